; Java tags: classes, interfaces, enums, records, annotation types, methods, constructors, fields and interface
; constants as definitions; method calls and type uses (including `new X`, extends/implements) as references.
;
; Conventions (shared by every grammars/*/tags.scm):
;   @definition.<kind>  the whole definition node (annotations are inside it, in `modifiers`; the preceding
;   `/** */` comment is a sibling the chunker attaches); @name  its name node.

; ------------------------------------------------------------------ types

(class_declaration
  name: (identifier) @name) @definition.class

(interface_declaration
  name: (identifier) @name) @definition.interface

(annotation_type_declaration
  name: (identifier) @name) @definition.interface

(enum_declaration
  name: (identifier) @name) @definition.enum

(record_declaration
  name: (identifier) @name) @definition.class

; ------------------------------------------------------------------ members

(method_declaration
  name: (identifier) @name) @definition.method

; Constructors, including a record's compact constructor (`public Point { ... }`); named after the class.
(constructor_declaration
  name: (identifier) @name) @definition.method

(compact_constructor_declaration
  name: (identifier) @name) @definition.method

(annotation_type_element_declaration
  name: (identifier) @name) @definition.method

; `private final int a, b;` is one definition named after its first declarator. Local variables are
; local_variable_declaration nodes and never match.
(field_declaration
  type: (_)
  .
  declarator: (variable_declarator
    name: (identifier) @name)) @definition.field

; `int LIMIT = 10;` in an interface body.
(constant_declaration
  type: (_)
  .
  declarator: (variable_declarator
    name: (identifier) @name)) @definition.constant

; ------------------------------------------------------------------ references
; In this grammar type_identifier only appears where a type is used (declared names are `identifier`).

(method_invocation
  name: (identifier) @reference.call)

(type_identifier) @reference.type
