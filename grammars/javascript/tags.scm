; inherits: ecma
; JavaScript / JSX tags (.js .jsx .mjs .cjs): functions, classes, methods, class fields, top-level const/let/var and
; top-level `exports.f = function` assignments as definitions; calls, `new X`, `extends X` and JSX components as references.
;
; Conventions (shared by every grammars/*/tags.scm):
;   @definition.<kind>  the whole definition node; @name  its name node (same pattern);
;   @reference.call / @reference.class  a referenced name;
;   the chunker keeps the first definition kind captured for a node (lowest pattern index), so the
;   function-valued variable patterns below come before the generic constant/variable ones.
;   Export wrappers (export_statement) and decorators are not part of the captured node: the chunker extends to them.

; ------------------------------------------------------------------ functions

(function_declaration
  name: (identifier) @name) @definition.function

(generator_function_declaration
  name: (identifier) @name) @definition.function

; ------------------------------------------------------------------ classes and members

(class_declaration
  name: (identifier) @name) @definition.class

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

(field_definition
  property: [
    (property_identifier)
    (private_property_identifier)
    (computed_property_name)
    (string)
    (number)
  ] @name) @definition.field

; ------------------------------------------------------------------ top-level assignments of functions
; `exports.parse = function () {}`, `module.exports.run = async () => {}`, `Foo.prototype.bar = function () {}`:
; the definition is the expression_statement, the name the last property (or the identifier).
(program
  (expression_statement
    (assignment_expression
      left: [
        (identifier) @name
        (member_expression
          property: (property_identifier) @name)
      ]
      right: [(arrow_function) (function_expression) (generator_function)])) @definition.function)

; `module.exports.NotFoundError = class NotFoundError extends Error {}`: a class, named like the functions above (its
; methods are then `NotFoundError.constructor`, not a bare `constructor`).
(program
  (expression_statement
    (assignment_expression
      left: [
        (identifier) @name
        (member_expression
          property: (property_identifier) @name)
      ]
      right: (class))) @definition.class)

; ------------------------------------------------------------------ variables (never locals)
; The whole lexical_declaration / variable_declaration is the definition; its first declarator names it
; (`const a = 1, b = 2` is one definition named `a`). Destructuring declarations (`const { a } = require(...)`)
; are not captured.
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

; ------------------------------------------------------------------ references

(call_expression
  function: (identifier) @reference.call
  (#not-any-of? @reference.call "require"))

(call_expression
  function: (member_expression
    property: [(property_identifier) (private_property_identifier)] @reference.call))

(new_expression
  constructor: (identifier) @reference.class)

(new_expression
  constructor: (member_expression
    property: (property_identifier) @reference.class))

(class_heritage
  (identifier) @reference.class)

(class_heritage
  (member_expression
    property: (property_identifier) @reference.class))

; JSX: a capitalized element name is a component call.
(jsx_opening_element
  name: (identifier) @reference.call
  (#match? @reference.call "^[A-Z]"))

(jsx_self_closing_element
  name: (identifier) @reference.call
  (#match? @reference.call "^[A-Z]"))

(jsx_opening_element
  name: (member_expression
    property: (property_identifier) @reference.call))

(jsx_self_closing_element
  name: (member_expression
    property: (property_identifier) @reference.call))
