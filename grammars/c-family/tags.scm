; Patterns C and C++ share (grammars/c and grammars/cpp say `; inherits: c-family`). Not a language of its own: there
; is no c-family grammar; these patterns are compiled with each of the two grammars, before their own, so they name
; only node types both grammars have (tree-sitter-cpp has no macro_type_specifier, for instance: grammars/c).
;
; Conventions (shared by every grammars/*/tags.scm):
;   @definition.<kind>  the whole definition node; @name  its name node (same pattern). A definition is
;   "top level" when its parent is the translation_unit or a preprocessor conditional (#ifdef / #if / #else / #elif:
;   headers wrap everything in an include guard); C++ adds namespace bodies. Struct fields, enumerators and
;   prototypes are not captured. A node captured by two patterns takes the kind and name of the earlier one; here
;   every node type gets one kind whatever the order, so the C++ additions after these patterns change no kind.
;   The context lists repeat (the query language has no "parent is one of"); keep them in sync when editing.

; ------------------------------------------------------------------ functions
; The name sits in the function_declarator, possibly under pointer_declarators (`char **names(void)`).

(function_definition
  declarator: [
    (function_declarator
      declarator: (identifier) @name)
    (pointer_declarator
      declarator: (function_declarator
        declarator: (identifier) @name))
    (pointer_declarator
      declarator: (pointer_declarator
        declarator: (function_declarator
          declarator: (identifier) @name)))
  ]) @definition.function

; ------------------------------------------------------------------ types
; A struct/union/enum specifier with a body, anywhere except directly in a typedef (the type_definition is the
; definition then, named by its declarator, with the kind of the specifier). Only specifiers with a name and a body.
[
  (translation_unit
    [
      (struct_specifier
        name: (type_identifier) @name
        body: (_)) @definition.struct
      (union_specifier
        name: (type_identifier) @name
        body: (_)) @definition.struct
      (enum_specifier
        name: (type_identifier) @name
        body: (_)) @definition.enum
    ])
  (preproc_ifdef
    [
      (struct_specifier
        name: (type_identifier) @name
        body: (_)) @definition.struct
      (union_specifier
        name: (type_identifier) @name
        body: (_)) @definition.struct
      (enum_specifier
        name: (type_identifier) @name
        body: (_)) @definition.enum
    ])
  (preproc_if
    [
      (struct_specifier
        name: (type_identifier) @name
        body: (_)) @definition.struct
      (union_specifier
        name: (type_identifier) @name
        body: (_)) @definition.struct
      (enum_specifier
        name: (type_identifier) @name
        body: (_)) @definition.enum
    ])
  (preproc_else
    [
      (struct_specifier
        name: (type_identifier) @name
        body: (_)) @definition.struct
      (union_specifier
        name: (type_identifier) @name
        body: (_)) @definition.struct
      (enum_specifier
        name: (type_identifier) @name
        body: (_)) @definition.enum
    ])
  (preproc_elif
    [
      (struct_specifier
        name: (type_identifier) @name
        body: (_)) @definition.struct
      (union_specifier
        name: (type_identifier) @name
        body: (_)) @definition.struct
      (enum_specifier
        name: (type_identifier) @name
        body: (_)) @definition.enum
    ])
  (declaration
    [
      (struct_specifier
        name: (type_identifier) @name
        body: (_)) @definition.struct
      (union_specifier
        name: (type_identifier) @name
        body: (_)) @definition.struct
      (enum_specifier
        name: (type_identifier) @name
        body: (_)) @definition.enum
    ])
  (field_declaration
    [
      (struct_specifier
        name: (type_identifier) @name
        body: (_)) @definition.struct
      (union_specifier
        name: (type_identifier) @name
        body: (_)) @definition.struct
      (enum_specifier
        name: (type_identifier) @name
        body: (_)) @definition.enum
    ])
  (compound_statement
    [
      (struct_specifier
        name: (type_identifier) @name
        body: (_)) @definition.struct
      (union_specifier
        name: (type_identifier) @name
        body: (_)) @definition.struct
      (enum_specifier
        name: (type_identifier) @name
        body: (_)) @definition.enum
    ])
]

; typedefs. `typedef struct { ... } config_entry;` / `typedef enum e { ... } e;` take the kind of their body;
; `typedef struct ringbuf ringbuf_t;`, `typedef void (*line_fn)(...)` and the like are types. Named after the
; first declarator. (C adds macro types, C++ classes and its own type specifiers.)
(type_definition
  type: [
    (struct_specifier
      body: (_))
    (union_specifier
      body: (_))
  ]
  .
  declarator: [
    (type_identifier) @name
    (pointer_declarator
      declarator: (type_identifier) @name)
    (array_declarator
      declarator: (type_identifier) @name)
    (function_declarator
      declarator: [
        (type_identifier) @name
        (parenthesized_declarator
          (pointer_declarator
            declarator: (type_identifier) @name))
      ])
  ]) @definition.struct

(type_definition
  type: (enum_specifier
    body: (_))
  .
  declarator: [
    (type_identifier) @name
    (pointer_declarator
      declarator: (type_identifier) @name)
    (array_declarator
      declarator: (type_identifier) @name)
    (function_declarator
      declarator: [
        (type_identifier) @name
        (parenthesized_declarator
          (pointer_declarator
            declarator: (type_identifier) @name))
      ])
  ]) @definition.enum

(type_definition
  type: [
    (primitive_type)
    (type_identifier)
    (sized_type_specifier)
    (struct_specifier !body)
    (union_specifier !body)
    (enum_specifier !body)
  ]
  .
  declarator: [
    (type_identifier) @name
    (pointer_declarator
      declarator: (type_identifier) @name)
    (array_declarator
      declarator: (type_identifier) @name)
    (function_declarator
      declarator: [
        (type_identifier) @name
        (parenthesized_declarator
          (pointer_declarator
            declarator: (type_identifier) @name))
      ])
  ]) @definition.type

; ------------------------------------------------------------------ macros
; Function-like macros are macros; object-like macros with a value are constants (include guards, which have
; no value, are skipped).
(preproc_function_def
  name: (identifier) @name) @definition.macro

(preproc_def
  name: (identifier) @name
  value: (_)) @definition.constant

; ------------------------------------------------------------------ variables
; File-scope declarations with a plain, pointer or array declarator (C++ adds namespace scope and references);
; named after the first declarator. `const` / `constexpr` ones (judged on the declaration's leading keywords) are
; constants, the others variables; the two patterns are exclusive. Prototypes (function declarators) are not
; definitions; neither is anything inside a function body.
[
  (translation_unit
    (declaration
      type: (_)
      .
      declarator: [
        (identifier) @name
        (_
          declarator: (identifier) @name
          !parameters)
        (init_declarator
          declarator: [
            (identifier) @name
            (_
              declarator: (identifier) @name
              !parameters)
          ])
      ]) @definition.constant
    (#match? @definition.constant "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
  (preproc_ifdef
    (declaration
      type: (_)
      .
      declarator: [
        (identifier) @name
        (_
          declarator: (identifier) @name
          !parameters)
        (init_declarator
          declarator: [
            (identifier) @name
            (_
              declarator: (identifier) @name
              !parameters)
          ])
      ]) @definition.constant
    (#match? @definition.constant "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
  (preproc_if
    (declaration
      type: (_)
      .
      declarator: [
        (identifier) @name
        (_
          declarator: (identifier) @name
          !parameters)
        (init_declarator
          declarator: [
            (identifier) @name
            (_
              declarator: (identifier) @name
              !parameters)
          ])
      ]) @definition.constant
    (#match? @definition.constant "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
  (preproc_else
    (declaration
      type: (_)
      .
      declarator: [
        (identifier) @name
        (_
          declarator: (identifier) @name
          !parameters)
        (init_declarator
          declarator: [
            (identifier) @name
            (_
              declarator: (identifier) @name
              !parameters)
          ])
      ]) @definition.constant
    (#match? @definition.constant "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
  (preproc_elif
    (declaration
      type: (_)
      .
      declarator: [
        (identifier) @name
        (_
          declarator: (identifier) @name
          !parameters)
        (init_declarator
          declarator: [
            (identifier) @name
            (_
              declarator: (identifier) @name
              !parameters)
          ])
      ]) @definition.constant
    (#match? @definition.constant "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
]

[
  (translation_unit
    (declaration
      type: (_)
      .
      declarator: [
        (identifier) @name
        (_
          declarator: (identifier) @name
          !parameters)
        (init_declarator
          declarator: [
            (identifier) @name
            (_
              declarator: (identifier) @name
              !parameters)
          ])
      ]) @definition.variable
    (#not-match? @definition.variable "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
  (preproc_ifdef
    (declaration
      type: (_)
      .
      declarator: [
        (identifier) @name
        (_
          declarator: (identifier) @name
          !parameters)
        (init_declarator
          declarator: [
            (identifier) @name
            (_
              declarator: (identifier) @name
              !parameters)
          ])
      ]) @definition.variable
    (#not-match? @definition.variable "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
  (preproc_if
    (declaration
      type: (_)
      .
      declarator: [
        (identifier) @name
        (_
          declarator: (identifier) @name
          !parameters)
        (init_declarator
          declarator: [
            (identifier) @name
            (_
              declarator: (identifier) @name
              !parameters)
          ])
      ]) @definition.variable
    (#not-match? @definition.variable "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
  (preproc_else
    (declaration
      type: (_)
      .
      declarator: [
        (identifier) @name
        (_
          declarator: (identifier) @name
          !parameters)
        (init_declarator
          declarator: [
            (identifier) @name
            (_
              declarator: (identifier) @name
              !parameters)
          ])
      ]) @definition.variable
    (#not-match? @definition.variable "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
  (preproc_elif
    (declaration
      type: (_)
      .
      declarator: [
        (identifier) @name
        (_
          declarator: (identifier) @name
          !parameters)
        (init_declarator
          declarator: [
            (identifier) @name
            (_
              declarator: (identifier) @name
              !parameters)
          ])
      ]) @definition.variable
    (#not-match? @definition.variable "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
]

; ------------------------------------------------------------------ references

(call_expression
  function: (identifier) @reference.call)

(call_expression
  function: (field_expression
    field: (field_identifier) @reference.call))

(declaration
  type: (type_identifier) @reference.type)

(parameter_declaration
  type: (type_identifier) @reference.type)

(field_declaration
  type: (type_identifier) @reference.type)

(function_definition
  type: (type_identifier) @reference.type)
