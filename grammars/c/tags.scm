; inherits: c-family
; C tags: function definitions, structs/unions/enums with a body, typedefs, function-like macros, object-like
; macros and file-scope variables/constants as definitions; calls and type uses as references. All but one pattern
; live in grammars/c-family, which C++ shares; conventions there.

; A typedef of a macro type (`typedef FOO(int) foo_t;`): tree-sitter-cpp has no macro_type_specifier.
(type_definition
  type: (macro_type_specifier)
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
