; C# tags: namespaces (block and file-scoped), classes, records, structs, interfaces, enums, delegates, methods,
; constructors, destructors, operators, local functions, properties, events, fields and constants as definitions;
; method calls, `new X` and type uses as references.
;
; Conventions (shared by every grammars/*/tags.scm):
;   @definition.<kind>  the whole definition node (attributes are inside it; `///` doc comments are preceding
;   sibling comment nodes, one per line, that the chunker attaches); @name  its name node (same pattern).

; ------------------------------------------------------------------ namespaces and types

; `namespace A.B { ... }`. A file-scoped `namespace A.B;` is not captured (like a Java/Go package clause): it
; covers only its own line, its members are its siblings.
(namespace_declaration
  name: [(identifier) (qualified_name)] @name) @definition.module

(class_declaration
  name: (identifier) @name) @definition.class

; `record Job(...)`, `record class`, `record struct` (one node type in this grammar version).
(record_declaration
  name: (identifier) @name) @definition.class

(struct_declaration
  name: (identifier) @name) @definition.struct

(interface_declaration
  name: (identifier) @name) @definition.interface

(enum_declaration
  name: (identifier) @name) @definition.enum

(delegate_declaration
  name: (identifier) @name) @definition.type

; ------------------------------------------------------------------ members

(method_declaration
  name: (identifier) @name) @definition.method

(constructor_declaration
  name: (identifier) @name) @definition.method

(destructor_declaration
  name: (identifier) @name) @definition.method

(operator_declaration
  operator: _ @name) @definition.method

; `int this[int i] { get; }` (named `this`).
(indexer_declaration
  "this" @name) @definition.method

; Local functions inside a method body (nested definitions, not local variables).
(local_function_statement
  name: (identifier) @name) @definition.function

(property_declaration
  name: (identifier) @name) @definition.field

(event_declaration
  name: (identifier) @name) @definition.field

; `public event Handler? Evicted;`
(event_field_declaration
  (variable_declaration
    type: (_)
    .
    (variable_declarator
      name: (identifier) @name))) @definition.field

; Fields, named after the first declarator; `const` fields are constants. The two patterns are exclusive (the
; test is on the declaration's leading attributes/modifiers). Locals are local_declaration_statement nodes and
; never match.
((field_declaration
  (variable_declaration
    type: (_)
    .
    (variable_declarator
      name: (identifier) @name))) @definition.constant
  (#match? @definition.constant "^(\\[[^\\]]*\\]\\s*)*((public|private|protected|internal|new)\\s+)*const\\s"))

((field_declaration
  (variable_declaration
    type: (_)
    .
    (variable_declarator
      name: (identifier) @name))) @definition.field
  (#not-match? @definition.field "^(\\[[^\\]]*\\]\\s*)*((public|private|protected|internal|new)\\s+)*const\\s"))

; ------------------------------------------------------------------ references

(invocation_expression
  function: [
    (identifier) @reference.call
    (generic_name
      (identifier) @reference.call)
    (member_access_expression
      name: [
        (identifier) @reference.call
        (generic_name
          (identifier) @reference.call)
      ])
  ])

(object_creation_expression
  type: [
    (identifier) @reference.class
    (generic_name
      (identifier) @reference.class)
    (qualified_name
      name: (identifier) @reference.class)
  ])

(base_list
  [
    (identifier) @reference.type
    (generic_name
      (identifier) @reference.type)
  ])

(variable_declaration
  type: [
    (identifier) @reference.type
    (generic_name
      (identifier) @reference.type)
  ])

(parameter
  type: [
    (identifier) @reference.type
    (generic_name
      (identifier) @reference.type)
  ])

(property_declaration
  type: [
    (identifier) @reference.type
    (generic_name
      (identifier) @reference.type)
  ])

(method_declaration
  returns: [
    (identifier) @reference.type
    (generic_name
      (identifier) @reference.type)
  ])

(type_argument_list
  (identifier) @reference.type)
