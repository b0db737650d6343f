; C++ tags: functions (free, and inline in class bodies: the chunker makes those methods), out-of-class
; `Class::method` definitions (method, with the class as @scope), classes/structs/unions/enums with a body,
; typedefs and `using` aliases, namespaces, concepts, macros and namespace-scope variables/constants as
; definitions; calls, `new X`, base classes and type uses as references.
;
; Conventions (shared by every grammars/*/tags.scm):
;   @definition.<kind>  the whole definition node (never the template_declaration around it: the chunker extends
;   to it); @name  its name node (same pattern); @scope  the class qualifying an out-of-class definition.
;   "Top level" means: translation_unit, preprocessor conditionals, namespace / extern "C" bodies (declaration_list).
;   Data members, enumerators, in-class method declarations without a body and prototypes are not captured.
;   Generated from a small script (the context lists repeat); keep the repetitions in sync when editing.

; ------------------------------------------------------------------ functions and methods
; The name sits in the function_declarator, possibly under pointer/reference declarators (`T* f()`, `T& f()`).
; Definitions inside a class/struct body (inline methods, constructors, operators, templated members) are
; captured as definition.function like free functions: the chunker turns a function whose parent definition is a
; class/struct into a method. (A context-restricted "method" pattern would need free functions restricted to
; every possible parent too, which multiplies this query's compile time.)

(function_definition
  declarator: [
    (function_declarator
      declarator: [
        (identifier) @name
        (field_identifier) @name
        (operator_name) @name
        (destructor_name) @name
      ])
    (_
      (function_declarator
        declarator: [
          (identifier) @name
          (field_identifier) @name
          (operator_name) @name
          (destructor_name) @name
        ]))
    (_
      (_
        (function_declarator
          declarator: [
            (identifier) @name
            (field_identifier) @name
            (operator_name) @name
            (destructor_name) @name
          ])))
  ]) @definition.function

; Out-of-class definitions: `Decision TokenBucket::take(...)`, `TokenBucket::TokenBucket(...)`, `A::~A()`,
; `Stats<T>::add(...)`, `ns::Class::f()`. The innermost qualifier is @scope. (`ns::free_function()` definitions
; also land here, with the namespace as @scope.)
(function_definition
  declarator: [
    (function_declarator
      declarator: [
        (qualified_identifier
          scope: [
            (namespace_identifier) @scope
            (template_type
              name: (type_identifier) @scope)
          ]
          name: [
            (identifier) @name
            (operator_name) @name
            (destructor_name) @name
            (template_function
              name: (identifier) @name)
          ])
        (qualified_identifier
          name: (qualified_identifier
            scope: [
              (namespace_identifier) @scope
              (template_type
                name: (type_identifier) @scope)
            ]
            name: [
              (identifier) @name
              (operator_name) @name
              (destructor_name) @name
              (template_function
                name: (identifier) @name)
            ]))
        (qualified_identifier
          name: (qualified_identifier
            name: (qualified_identifier
              scope: [
                (namespace_identifier) @scope
                (template_type
                  name: (type_identifier) @scope)
              ]
              name: [
                (identifier) @name
                (operator_name) @name
                (destructor_name) @name
                (template_function
                  name: (identifier) @name)
              ])))
      ])
    (_
      (function_declarator
        declarator: [
          (qualified_identifier
            scope: [
              (namespace_identifier) @scope
              (template_type
                name: (type_identifier) @scope)
            ]
            name: [
              (identifier) @name
              (operator_name) @name
              (destructor_name) @name
              (template_function
                name: (identifier) @name)
            ])
          (qualified_identifier
            name: (qualified_identifier
              scope: [
                (namespace_identifier) @scope
                (template_type
                  name: (type_identifier) @scope)
              ]
              name: [
                (identifier) @name
                (operator_name) @name
                (destructor_name) @name
                (template_function
                  name: (identifier) @name)
              ]))
          (qualified_identifier
            name: (qualified_identifier
              name: (qualified_identifier
                scope: [
                  (namespace_identifier) @scope
                  (template_type
                    name: (type_identifier) @scope)
                ]
                name: [
                  (identifier) @name
                  (operator_name) @name
                  (destructor_name) @name
                  (template_function
                    name: (identifier) @name)
                ])))
        ]))
    (_
      (_
        (function_declarator
          declarator: [
            (qualified_identifier
              scope: [
                (namespace_identifier) @scope
                (template_type
                  name: (type_identifier) @scope)
              ]
              name: [
                (identifier) @name
                (operator_name) @name
                (destructor_name) @name
                (template_function
                  name: (identifier) @name)
              ])
            (qualified_identifier
              name: (qualified_identifier
                scope: [
                  (namespace_identifier) @scope
                  (template_type
                    name: (type_identifier) @scope)
                ]
                name: [
                  (identifier) @name
                  (operator_name) @name
                  (destructor_name) @name
                  (template_function
                    name: (identifier) @name)
                ]))
            (qualified_identifier
              name: (qualified_identifier
                name: (qualified_identifier
                  scope: [
                    (namespace_identifier) @scope
                    (template_type
                      name: (type_identifier) @scope)
                  ]
                  name: [
                    (identifier) @name
                    (operator_name) @name
                    (destructor_name) @name
                    (template_function
                      name: (identifier) @name)
                  ])))
          ])))
  ]) @definition.method

; `operator bool() const { ... }` in a class body.
(function_definition
  declarator: (operator_cast) @name) @definition.function

; ------------------------------------------------------------------ types
; A struct/union/enum specifier with a body, anywhere except directly in a typedef (the type_definition is the
; definition then, named by its declarator, with the kind of the specifier). Only specifiers with a name and a body.
[
  (translation_unit
    [
      (class_specifier
        name: (type_identifier) @name
        body: (_)) @definition.class
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
      (class_specifier
        name: (type_identifier) @name
        body: (_)) @definition.class
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
      (class_specifier
        name: (type_identifier) @name
        body: (_)) @definition.class
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
      (class_specifier
        name: (type_identifier) @name
        body: (_)) @definition.class
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
      (class_specifier
        name: (type_identifier) @name
        body: (_)) @definition.class
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
  (declaration_list
    [
      (class_specifier
        name: (type_identifier) @name
        body: (_)) @definition.class
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
      (class_specifier
        name: (type_identifier) @name
        body: (_)) @definition.class
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
      (class_specifier
        name: (type_identifier) @name
        body: (_)) @definition.class
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
      (class_specifier
        name: (type_identifier) @name
        body: (_)) @definition.class
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
  (template_declaration
    [
      (class_specifier
        name: (type_identifier) @name
        body: (_)) @definition.class
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
; first declarator.
(type_definition
  type: (class_specifier
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
  ]) @definition.class

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
    (class_specifier !body)
    (qualified_identifier)
    (template_type)
    (decltype)
    (dependent_type)
    (placeholder_type_specifier)
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

; `using Clock = std::chrono::steady_clock;`
(alias_declaration
  name: (type_identifier) @name) @definition.type

; `namespace net::limits { ... }` (name is a nested_namespace_specifier, text `net::limits`); anonymous
; namespaces have no name and are not definitions.
(namespace_definition
  name: [(namespace_identifier) (nested_namespace_specifier)] @name) @definition.module

; `template <typename T> concept Number = ...;`
(concept_definition
  name: (identifier) @name) @definition.type

; ------------------------------------------------------------------ macros
; Function-like macros are macros; object-like macros with a value are constants (include guards, which have
; no value, are skipped).
(preproc_function_def
  name: (identifier) @name) @definition.macro

(preproc_def
  name: (identifier) @name
  value: (_)) @definition.constant

; ------------------------------------------------------------------ variables
; File-scope (and namespace-scope) declarations with a plain, pointer or array declarator; named after the first
; declarator. `const` / `constexpr` ones (judged on the declaration's leading keywords) are constants, the others
; variables; the two patterns are exclusive. Prototypes (function declarators) are not definitions; neither is
; anything inside a function body.
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
            (reference_declarator
              (identifier) @name)
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
            (reference_declarator
              (identifier) @name)
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
            (reference_declarator
              (identifier) @name)
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
            (reference_declarator
              (identifier) @name)
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
            (reference_declarator
              (identifier) @name)
          ])
      ]) @definition.constant
    (#match? @definition.constant "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
  (declaration_list
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
            (reference_declarator
              (identifier) @name)
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
            (reference_declarator
              (identifier) @name)
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
            (reference_declarator
              (identifier) @name)
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
            (reference_declarator
              (identifier) @name)
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
            (reference_declarator
              (identifier) @name)
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
            (reference_declarator
              (identifier) @name)
          ])
      ]) @definition.variable
    (#not-match? @definition.variable "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
  (declaration_list
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
            (reference_declarator
              (identifier) @name)
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

(call_expression
  function: (qualified_identifier
    name: (identifier) @reference.call))

(call_expression
  function: (template_function
    name: (identifier) @reference.call))

(new_expression
  type: (type_identifier) @reference.class)

(base_class_clause
  (type_identifier) @reference.class)

(template_type
  name: (type_identifier) @reference.type)

(qualified_identifier
  name: (type_identifier) @reference.type)

(declaration
  type: (type_identifier) @reference.type)

(parameter_declaration
  type: (type_identifier) @reference.type)

(field_declaration
  type: (type_identifier) @reference.type)

(function_definition
  type: (type_identifier) @reference.type)
