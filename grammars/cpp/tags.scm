; inherits: c-family
; C++ tags: functions (free, and inline in class bodies: the chunker makes those methods), out-of-class
; `Class::method` definitions (method, with the class as @scope), classes/structs/unions/enums with a body,
; typedefs and `using` aliases, namespaces, concepts, macros and namespace-scope variables/constants as
; definitions; calls, `new X`, base classes and type uses as references. What C++ shares with C (functions named
; by an identifier, structs, unions and enums at the top level, typedefs, macros, file-scope variables, calls and
; type uses) lives in grammars/c-family; these patterns add what only C++ has, and come after those.
;
; Conventions (shared by every grammars/*/tags.scm):
;   @definition.<kind>  the whole definition node (never the template_declaration around it: the chunker extends
;   to it); @name  its name node (same pattern); @scope  the class qualifying an out-of-class definition.
;   "Top level" means: translation_unit, preprocessor conditionals, namespace / extern "C" bodies (declaration_list).
;   Data members, enumerators, in-class method declarations without a body and prototypes are not captured.
;   The context lists repeat; keep the repetitions in sync when editing.

; ------------------------------------------------------------------ functions and methods
; The name sits in the function_declarator, possibly under pointer/reference declarators (`T* f()`, `T& f()`):
; grammars/c-family has the identifier under none or pointer declarators; here are field names, operators,
; destructors and the other declarators.
; Definitions inside a class/struct body (inline methods, constructors, operators, templated members) are
; captured as definition.function like free functions: the chunker turns a function whose parent definition is a
; class/struct into a method. (A context-restricted "method" pattern would need free functions restricted to
; every possible parent too, which multiplies this query's compile time.)
(function_definition
  declarator: [
    (function_declarator
      declarator: [
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
; Classes with a body where C has structs (grammars/c-family), and all four in namespaces and templates.
[
  (translation_unit
    [
      (class_specifier
        name: (type_identifier) @name
        body: (_)) @definition.class
    ])
  (preproc_ifdef
    [
      (class_specifier
        name: (type_identifier) @name
        body: (_)) @definition.class
    ])
  (preproc_if
    [
      (class_specifier
        name: (type_identifier) @name
        body: (_)) @definition.class
    ])
  (preproc_else
    [
      (class_specifier
        name: (type_identifier) @name
        body: (_)) @definition.class
    ])
  (preproc_elif
    [
      (class_specifier
        name: (type_identifier) @name
        body: (_)) @definition.class
    ])
  (declaration
    [
      (class_specifier
        name: (type_identifier) @name
        body: (_)) @definition.class
    ])
  (field_declaration
    [
      (class_specifier
        name: (type_identifier) @name
        body: (_)) @definition.class
    ])
  (compound_statement
    [
      (class_specifier
        name: (type_identifier) @name
        body: (_)) @definition.class
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

; typedefs of a class with a body, and of C++'s own type specifiers (grammars/c-family has the rest).
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

; ------------------------------------------------------------------ variables
; Namespace-scope declarations (grammars/c-family has file scope), and `T& name = ...` at either scope.
[
  (translation_unit
    (declaration
      type: (_)
      .
      declarator: (init_declarator
        declarator: (reference_declarator
          (identifier) @name))) @definition.constant
    (#match? @definition.constant "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
  (preproc_ifdef
    (declaration
      type: (_)
      .
      declarator: (init_declarator
        declarator: (reference_declarator
          (identifier) @name))) @definition.constant
    (#match? @definition.constant "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
  (preproc_if
    (declaration
      type: (_)
      .
      declarator: (init_declarator
        declarator: (reference_declarator
          (identifier) @name))) @definition.constant
    (#match? @definition.constant "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
  (preproc_else
    (declaration
      type: (_)
      .
      declarator: (init_declarator
        declarator: (reference_declarator
          (identifier) @name))) @definition.constant
    (#match? @definition.constant "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
  (preproc_elif
    (declaration
      type: (_)
      .
      declarator: (init_declarator
        declarator: (reference_declarator
          (identifier) @name))) @definition.constant
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
      declarator: (init_declarator
        declarator: (reference_declarator
          (identifier) @name))) @definition.variable
    (#not-match? @definition.variable "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
  (preproc_ifdef
    (declaration
      type: (_)
      .
      declarator: (init_declarator
        declarator: (reference_declarator
          (identifier) @name))) @definition.variable
    (#not-match? @definition.variable "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
  (preproc_if
    (declaration
      type: (_)
      .
      declarator: (init_declarator
        declarator: (reference_declarator
          (identifier) @name))) @definition.variable
    (#not-match? @definition.variable "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
  (preproc_else
    (declaration
      type: (_)
      .
      declarator: (init_declarator
        declarator: (reference_declarator
          (identifier) @name))) @definition.variable
    (#not-match? @definition.variable "^((static|extern|inline|thread_local|_Thread_local)\\s+)*(const|constexpr|constinit)\\b"))
  (preproc_elif
    (declaration
      type: (_)
      .
      declarator: (init_declarator
        declarator: (reference_declarator
          (identifier) @name))) @definition.variable
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
; Besides grammars/c-family's calls and type uses.

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

