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

; Linux system calls: `SYSCALL_DEFINE3(read, unsigned int, fd, …)` then `{ … }` parses as a call statement (its `;`
; missing) followed by a block; the definition is the call, extended over the block (@extent), and named after the
; call's first argument with the kernel's prefix (`#set! name.prefix`): sys_read, compat_sys_preadv64.
; `SYSCALL_DEFINE0(sync) { … }` parses as a function definition with a parenthesized declarator.
((expression_statement
  (call_expression
    function: (identifier) @_wrapper
    arguments: (argument_list
      .
      (identifier) @name))) @definition.function
  .
  (compound_statement) @extent
  (#match? @_wrapper "^SYSCALL_DEFINE[0-6]$")
  (#set! name.prefix "sys_"))

((expression_statement
  (call_expression
    function: (identifier) @_wrapper
    arguments: (argument_list
      .
      (identifier) @name))) @definition.function
  .
  (compound_statement) @extent
  (#match? @_wrapper "^COMPAT_SYSCALL_DEFINE[0-6]$")
  (#set! name.prefix "compat_sys_"))

((function_definition
  type: (type_identifier) @_wrapper
  declarator: (parenthesized_declarator
    (identifier) @name)) @definition.function
  (#match? @_wrapper "^SYSCALL_DEFINE0$")
  (#set! name.prefix "sys_"))

((function_definition
  type: (type_identifier) @_wrapper
  declarator: (parenthesized_declarator
    (identifier) @name)) @definition.function
  (#match? @_wrapper "^COMPAT_SYSCALL_DEFINE0$")
  (#set! name.prefix "compat_sys_"))

; A table of a struct type filled by an initializer list (the kernel's `static const struct file_operations
; ext4_file_operations = { .read_iter = …, };`, `static struct file_system_type ext4_fs_type = {…}`): the variable
; or constant patterns of grammars/c-family define it; @standalone keeps it a chunk of its own, never merged with
; its neighbours, so that each table answers for its name.
(declaration
  type: (struct_specifier !body)
  declarator: (init_declarator
    value: (initializer_list))) @standalone
