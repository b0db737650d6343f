; inherits: ecma
; TypeScript tags: functions, classes, methods, fields, interfaces, type aliases, enums, namespaces and top-level
; (or namespace-level) const/let/var as definitions; calls, `new X`, class heritage and type annotations as references.
;
; Conventions (shared by every grammars/*/tags.scm):
;   @definition.<kind>  the whole definition node; @name  its name node (same pattern);
;   @reference.call / @reference.class / @reference.type  a referenced name;
;   the chunker keeps the first definition kind captured for a node (lowest pattern index), so the
;   function-valued variable patterns below come before the generic constant/variable ones.
;   Export wrappers (export_statement) and decorators are not part of the captured node: the chunker extends to them.

; ------------------------------------------------------------------ functions

(function_declaration
  name: (identifier) @name) @definition.function

(generator_function_declaration
  name: (identifier) @name) @definition.function

; Overload signatures and `declare function f(): T;`.
(function_signature
  name: (identifier) @name) @definition.function

; ------------------------------------------------------------------ classes and members

(class_declaration
  name: (type_identifier) @name) @definition.class

(abstract_class_declaration
  name: (type_identifier) @name) @definition.class

; Class methods (object-literal members: grammars/ecma). Includes `constructor`,
; getters/setters, `#private()` and `[Symbol.iterator]()`.
(class_body
  (method_definition
    name: [
      (property_identifier)
      (private_property_identifier)
      (computed_property_name)
      (string)
      (number)
    ] @name) @definition.method)

(abstract_method_signature
  name: [
    (property_identifier)
    (private_property_identifier)
    (computed_property_name)
  ] @name) @definition.method

(public_field_definition
  name: [
    (property_identifier)
    (private_property_identifier)
    (computed_property_name)
    (string)
    (number)
  ] @name) @definition.field

; ------------------------------------------------------------------ types and namespaces

(interface_declaration
  name: (type_identifier) @name) @definition.interface

(type_alias_declaration
  name: (type_identifier) @name) @definition.type

(enum_declaration
  name: (identifier) @name) @definition.enum

; `namespace N {}` and `namespace A.B {}` (at top level it sits inside an expression_statement).
(internal_module
  name: [(identifier) (nested_identifier)] @name) @definition.module

; `declare module 'pkg' {}` (name is a string node, quotes included) and `module M {}`.
(module
  name: [(identifier) (nested_identifier) (string)] @name) @definition.module

; ------------------------------------------------------------------ variables (never locals)
; The whole lexical_declaration / variable_declaration is the definition; its first declarator names it
; (`const a = 1, b = 2` is one definition named `a`). Destructuring declarations are not captured.
; `value: (_)` in the constant/variable patterns is deliberate: it makes those patterns finish on the same
; node as the function/class ones, so Query.matches() also returns the function/class match first.
; `const x = require('x')` is an import, not a constant: left to the top-level block.

; Top level.
(program
  [
    (lexical_declaration
      . (variable_declarator
        name: (identifier) @name
        value: [(arrow_function) (function_expression) (generator_function)]))
    (variable_declaration
      . (variable_declarator
        name: (identifier) @name
        value: [(arrow_function) (function_expression) (generator_function)]))
  ] @definition.function)

(program
  [
    (lexical_declaration
      . (variable_declarator
        name: (identifier) @name
        value: (class)))
    (variable_declaration
      . (variable_declarator
        name: (identifier) @name
        value: (class)))
  ] @definition.class)

(program
  (lexical_declaration kind: "const"
    . (variable_declarator
      name: (identifier) @name
      value: (_) @_value
      (#not-match? @_value "^require\\s*\\("))) @definition.constant)

(program
  [
    (lexical_declaration kind: "let"
      . (variable_declarator
        name: (identifier) @name
        value: (_) @_value
        (#not-match? @_value "^require\\s*\\(")))
    (variable_declaration
      . (variable_declarator
        name: (identifier) @name
        value: (_) @_value
        (#not-match? @_value "^require\\s*\\(")))
    (lexical_declaration kind: "let"
      . (variable_declarator
        name: (identifier) @name
        !value))
    (variable_declaration
      . (variable_declarator
        name: (identifier) @name
        !value))
  ] @definition.variable)

; Exported, at top level or in a namespace (an export_statement cannot appear inside a function).
(export_statement
  declaration: [
    (lexical_declaration
      . (variable_declarator
        name: (identifier) @name
        value: [(arrow_function) (function_expression) (generator_function)]))
    (variable_declaration
      . (variable_declarator
        name: (identifier) @name
        value: [(arrow_function) (function_expression) (generator_function)]))
  ] @definition.function)

(export_statement
  declaration: [
    (lexical_declaration
      . (variable_declarator
        name: (identifier) @name
        value: (class)))
    (variable_declaration
      . (variable_declarator
        name: (identifier) @name
        value: (class)))
  ] @definition.class)

(export_statement
  declaration: (lexical_declaration kind: "const"
    . (variable_declarator
      name: (identifier) @name
      value: (_) @_value
      (#not-match? @_value "^require\\s*\\("))) @definition.constant)

(export_statement
  declaration: [
    (lexical_declaration kind: "let"
      . (variable_declarator
        name: (identifier) @name
        value: (_) @_value
        (#not-match? @_value "^require\\s*\\(")))
    (variable_declaration
      . (variable_declarator
        name: (identifier) @name
        value: (_) @_value
        (#not-match? @_value "^require\\s*\\(")))
    (lexical_declaration kind: "let"
      . (variable_declarator
        name: (identifier) @name
        !value))
    (variable_declaration
      . (variable_declarator
        name: (identifier) @name
        !value))
  ] @definition.variable)

; Not exported, directly inside `namespace N { ... }`.
(internal_module
  body: (statement_block
    [
      (lexical_declaration
        . (variable_declarator
          name: (identifier) @name
          value: [(arrow_function) (function_expression) (generator_function)]))
      (variable_declaration
        . (variable_declarator
          name: (identifier) @name
          value: [(arrow_function) (function_expression) (generator_function)]))
    ] @definition.function))

(internal_module
  body: (statement_block
    [
      (lexical_declaration
        . (variable_declarator
          name: (identifier) @name
          value: (class)))
      (variable_declaration
        . (variable_declarator
          name: (identifier) @name
          value: (class)))
    ] @definition.class))

(internal_module
  body: (statement_block
    (lexical_declaration kind: "const"
      . (variable_declarator
        name: (identifier) @name
        value: (_) @_value
        (#not-match? @_value "^require\\s*\\("))) @definition.constant))

(internal_module
  body: (statement_block
    [
      (lexical_declaration kind: "let"
        . (variable_declarator
          name: (identifier) @name
          value: (_) @_value
          (#not-match? @_value "^require\\s*\\(")))
      (variable_declaration
        . (variable_declarator
          name: (identifier) @name
          value: (_) @_value
          (#not-match? @_value "^require\\s*\\(")))
      (lexical_declaration kind: "let"
        . (variable_declarator
          name: (identifier) @name
          !value))
      (variable_declaration
        . (variable_declarator
          name: (identifier) @name
          !value))
    ] @definition.variable))

; Not exported, directly inside `declare module 'x' { ... }`.
(module
  body: (statement_block
    [
      (lexical_declaration
        . (variable_declarator
          name: (identifier) @name
          value: [(arrow_function) (function_expression) (generator_function)]))
      (variable_declaration
        . (variable_declarator
          name: (identifier) @name
          value: [(arrow_function) (function_expression) (generator_function)]))
    ] @definition.function))

(module
  body: (statement_block
    [
      (lexical_declaration
        . (variable_declarator
          name: (identifier) @name
          value: (class)))
      (variable_declaration
        . (variable_declarator
          name: (identifier) @name
          value: (class)))
    ] @definition.class))

(module
  body: (statement_block
    (lexical_declaration kind: "const"
      . (variable_declarator
        name: (identifier) @name
        value: (_) @_value
        (#not-match? @_value "^require\\s*\\("))) @definition.constant))

(module
  body: (statement_block
    [
      (lexical_declaration kind: "let"
        . (variable_declarator
          name: (identifier) @name
          value: (_) @_value
          (#not-match? @_value "^require\\s*\\(")))
      (variable_declaration
        . (variable_declarator
          name: (identifier) @name
          value: (_) @_value
          (#not-match? @_value "^require\\s*\\(")))
      (lexical_declaration kind: "let"
        . (variable_declarator
          name: (identifier) @name
          !value))
      (variable_declaration
        . (variable_declarator
          name: (identifier) @name
          !value))
    ] @definition.variable))

; ------------------------------------------------------------------ references

(call_expression
  function: (identifier) @reference.call)

(call_expression
  function: (member_expression
    property: [(property_identifier) (private_property_identifier)] @reference.call))

(new_expression
  constructor: (identifier) @reference.class)

(new_expression
  constructor: (member_expression
    property: (property_identifier) @reference.class))

(extends_clause
  value: (identifier) @reference.class)

(extends_clause
  value: (member_expression
    property: (property_identifier) @reference.class))

(implements_clause
  (type_identifier) @reference.type)

(extends_type_clause
  type: (type_identifier) @reference.type)

(type_annotation
  (type_identifier) @reference.type)

(generic_type
  name: (type_identifier) @reference.type)

(type_arguments
  (type_identifier) @reference.type)

(nested_type_identifier
  name: (type_identifier) @reference.type)
