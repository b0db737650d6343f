; Rust tags: functions, methods (functions in impl/trait bodies), structs, unions, enums, traits, impls, modules,
; consts, statics, type aliases and macro_rules! as definitions; calls, macro invocations and type uses as references.
;
; Conventions (shared by every grammars/*/tags.scm):
;   @definition.<kind>  the whole definition node (attributes and `///` doc comments are preceding siblings: the
;   chunker attaches them); @name  its name node. impl blocks are @definition.impl named after the implemented
;   type (`impl fmt::Display for JobError` -> JobError, `impl<H> JobQueue<H>` -> JobQueue).

; ------------------------------------------------------------------ functions and methods
; The contexts are exclusive: a function_item is a method in an impl or trait body, a function elsewhere.

(impl_item
  body: (declaration_list
    (function_item
      name: (identifier) @name) @definition.method))

(trait_item
  body: (declaration_list
    [
      (function_item
        name: (identifier) @name)
      (function_signature_item
        name: (identifier) @name)
    ] @definition.method))

(source_file
  (function_item
    name: (identifier) @name) @definition.function)

; Functions in `mod m { ... }` and in `extern "C" { ... }` blocks.
(mod_item
  body: (declaration_list
    (function_item
      name: (identifier) @name) @definition.function))

(foreign_mod_item
  body: (declaration_list
    (function_signature_item
      name: (identifier) @name) @definition.function))

; Nested functions: `fn helper()` declared inside a function body (or any block).
(block
  (function_item
    name: (identifier) @name) @definition.function)

; ------------------------------------------------------------------ types

(struct_item
  name: (type_identifier) @name) @definition.struct

(union_item
  name: (type_identifier) @name) @definition.struct

(enum_item
  name: (type_identifier) @name) @definition.enum

(trait_item
  name: (type_identifier) @name) @definition.trait

(type_item
  name: (type_identifier) @name) @definition.type

; `type Item;` in a trait.
(associated_type
  name: (type_identifier) @name) @definition.type

(impl_item
  type: [
    (type_identifier) @name
    (generic_type
      type: [
        (type_identifier) @name
        (scoped_type_identifier
          name: (type_identifier) @name)
      ])
    (scoped_type_identifier
      name: (type_identifier) @name)
    (reference_type
      type: [
        (type_identifier) @name
        (generic_type
          type: (type_identifier) @name)
      ])
    ; The whole type's text for the rest: `u32`, `[T]`, `(A, B)`, `dyn Trait`, `fn()`.
    [
      (primitive_type)
      (array_type)
      (tuple_type)
      (dynamic_type)
      (pointer_type)
      (function_type)
      (unit_type)
    ] @name
  ]) @definition.impl

; Inline modules only (`mod tests { ... }`); `mod foo;` declarations are not definitions.
(mod_item
  name: (identifier) @name
  body: (declaration_list)) @definition.module

(macro_definition
  name: (identifier) @name) @definition.macro

; ------------------------------------------------------------------ consts and statics
; At top level, in inline modules and as associated items of impls/traits (all of them live in a
; declaration_list); never inside a function body (a block).

(source_file
  [
    (const_item
      name: (identifier) @name)
    (static_item
      name: (identifier) @name)
  ] @definition.constant)

(declaration_list
  [
    (const_item
      name: (identifier) @name)
    (static_item
      name: (identifier) @name)
  ] @definition.constant)

; ------------------------------------------------------------------ references

(call_expression
  function: (identifier) @reference.call)

(call_expression
  function: (field_expression
    field: (field_identifier) @reference.call))

(call_expression
  function: (scoped_identifier
    name: (identifier) @reference.call))

(call_expression
  function: (generic_function
    function: [
      (identifier) @reference.call
      (scoped_identifier
        name: (identifier) @reference.call)
      (field_expression
        field: (field_identifier) @reference.call)
    ]))

(macro_invocation
  macro: (identifier) @reference.call)

(impl_item
  trait: [
    (type_identifier) @reference.type
    (scoped_type_identifier
      name: (type_identifier) @reference.type)
  ])

(generic_type
  type: (type_identifier) @reference.type)

(scoped_type_identifier
  name: (type_identifier) @reference.type)

(parameter
  type: (type_identifier) @reference.type)

(reference_type
  type: (type_identifier) @reference.type)

(struct_expression
  name: (type_identifier) @reference.type)

(field_declaration
  type: (type_identifier) @reference.type)
