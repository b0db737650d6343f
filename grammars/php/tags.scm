; PHP tags (files starting with `<?php`): classes, interfaces, traits, enums, functions (nested ones too), methods,
; class constants, properties, top-level `const` and `define('X', ...)`, and braced namespaces as definitions;
; function/method calls, `new X`, extends/implements and type uses as references.
;
; Conventions (shared by every grammars/*/tags.scm):
;   @definition.<kind>  the whole definition node (PHP 8 attributes are inside it; the `/** */` doc comment is a
;   preceding sibling the chunker attaches); @name  its name node (same pattern).

; ------------------------------------------------------------------ types

(class_declaration
  name: (name) @name) @definition.class

(interface_declaration
  name: (name) @name) @definition.interface

(trait_declaration
  name: (name) @name) @definition.trait

(enum_declaration
  name: (name) @name) @definition.enum

; `namespace App\Http { ... }` only. `namespace App\Http;` is not captured (like a Java/Go package clause): it
; covers only its own line, the code after it is its sibling.
(namespace_definition
  name: (namespace_name) @name
  body: (compound_statement)) @definition.module

; ------------------------------------------------------------------ functions and methods

(function_definition
  name: (name) @name) @definition.function

(method_declaration
  name: (name) @name) @definition.method

; ------------------------------------------------------------------ constants and properties
; One definition per declaration, named after its first element: the element right after the last modifier /
; attribute / type, or the first child. (`const` is not allowed in function bodies, so no locals can match.)
; The preceding node is captured (@_pre, ignored by the chunker) so tree-sitter does not merge the states.

(const_declaration
  .
  (const_element
    (name) @name)) @definition.constant

(const_declaration
  [
    (visibility_modifier)
    (final_modifier)
    (attribute_list)
    type: (_)
  ] @_pre
  .
  (const_element
    (name) @name)) @definition.constant

(property_declaration
  [
    (visibility_modifier)
    (static_modifier)
    (readonly_modifier)
    (var_modifier)
    (abstract_modifier)
    (final_modifier)
    (attribute_list)
    type: (_)
  ] @_pre
  .
  (property_element
    name: (variable_name
      (name) @name))) @definition.field

; `define('HTTP_CLIENT_VERSION', '2.1');` at top level (the statement is the definition).
(program
  (expression_statement
    (function_call_expression
      function: (name) @_define
      arguments: (arguments
        .
        (argument
          [
            (string
              (string_content) @name)
            (encapsed_string
              (string_content) @name)
          ])))
    (#eq? @_define "define")) @definition.constant)

; ------------------------------------------------------------------ references

(function_call_expression
  function: [
    (name) @reference.call
    (qualified_name
      (name) @reference.call .)
  ])

(member_call_expression
  name: (name) @reference.call)

(nullsafe_member_call_expression
  name: (name) @reference.call)

(scoped_call_expression
  name: (name) @reference.call)

(object_creation_expression
  [
    (name) @reference.class
    (qualified_name
      (name) @reference.class .)
  ])

(base_clause
  [
    (name) @reference.class
    (qualified_name
      (name) @reference.class .)
  ])

(class_interface_clause
  [
    (name) @reference.type
    (qualified_name
      (name) @reference.type .)
  ])

(use_declaration
  (name) @reference.type)

(named_type
  [
    (name) @reference.type
    (qualified_name
      (name) @reference.type .)
  ])
