; Patterns JavaScript, TypeScript and TSX share (javascript/ and typescript/ say `; inherits: ecma`; tsx/ inherits
; typescript/). Not a language of its own: there is no ecma grammar; these patterns are compiled with each of the
; three grammars, before their own.

; ------------------------------------------------------------------ members of a top-level object literal
; `module.exports = { parse(text) {…}, format: function () {…} }`, `const api = { get: async () => {…} }`,
; `export default { … }`: the CommonJS module and the object-as-namespace. Each method or function-valued property of
; the object is a function of its own (named by its key; a declared object is their container, so `api.get`).
; Objects inside functions, and objects nested in these, stay part of what holds them.
; The member is a method (`parse(text) {…}`) or a property whose value is a function (`format: function () {…}`).
(program
  [
    (expression_statement (assignment_expression right: (object
      [(method_definition name: (_) @name) (pair key: (_) @name value: [(function_expression) (arrow_function) (generator_function)])] @definition.function)))
    (lexical_declaration (variable_declarator value: (object
      [(method_definition name: (_) @name) (pair key: (_) @name value: [(function_expression) (arrow_function) (generator_function)])] @definition.function)))
    (variable_declaration (variable_declarator value: (object
      [(method_definition name: (_) @name) (pair key: (_) @name value: [(function_expression) (arrow_function) (generator_function)])] @definition.function)))
    (export_statement declaration: (lexical_declaration (variable_declarator value: (object
      [(method_definition name: (_) @name) (pair key: (_) @name value: [(function_expression) (arrow_function) (generator_function)])] @definition.function))))
    (export_statement value: (object
      [(method_definition name: (_) @name) (pair key: (_) @name value: [(function_expression) (arrow_function) (generator_function)])] @definition.function))
  ])
