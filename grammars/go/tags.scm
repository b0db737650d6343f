; Go tags: functions, methods (with the receiver type as @scope), top-level types (struct / interface / other),
; constants and variables as definitions; calls and type uses as references.
;
; Conventions (shared by every grammars/*/tags.scm):
;   @definition.<kind>  the whole definition node; @name  its name node (same pattern);
;   @scope  the receiver's type name of a method (`func (s *Server[T]) Serve()` -> Server): the qualifier of a
;   definition that is not nested in it.

; ------------------------------------------------------------------ functions and methods

(function_declaration
  name: (identifier) @name) @definition.function

; Receiver `T`, `*T`, `T[K]`, `*T[K]`; the receiver name may be omitted (`func (Server) Zed()`).
(method_declaration
  receiver: (parameter_list
    (parameter_declaration
      type: [
        (type_identifier) @scope
        (pointer_type
          (type_identifier) @scope)
        (generic_type
          type: (type_identifier) @scope)
        (pointer_type
          (generic_type
            type: (type_identifier) @scope))
      ]))
  name: (field_identifier) @name) @definition.method

; ------------------------------------------------------------------ top-level declarations
; A declaration holding a single spec (`type Job struct {...}`, `const X = 1`, `var ErrX = ...`) is captured as a
; whole (type_declaration / const_declaration / var_declaration, so its doc comment is the preceding sibling).
; In a grouped declaration (`type ( ... )`, `const ( ... )`, `var ( ... )`) each spec is captured instead (its doc
; comment is the comment just above it inside the parentheses). The first two patterns of each group tell
; the cases apart with anchors: "the only named child" versus "has a named sibling right after / right before"
; (a spec in the middle of a group matches both of the last two, with the same kind and name). The sibling is
; captured (@_prev / @_next, ignored by the chunker) on purpose: with an uncaptured `(_)` tree-sitter merges the
; in-progress states and drops every other spec of a group.
; A spec declaring several names (`const a, b = 1, 2`) is named after the first one.
; Declarations inside function bodies are never captured.

; type_declaration > type_spec: struct
(source_file
  (type_declaration
    .
    (type_spec
      name: (type_identifier) @name
      type: (struct_type))
    .) @definition.struct)
(source_file
  (type_declaration
    (type_spec
      name: (type_identifier) @name
      type: (struct_type)) @definition.struct
    .
    (_) @_next))
(source_file
  (type_declaration
    (_) @_prev
    .
    (type_spec
      name: (type_identifier) @name
      type: (struct_type)) @definition.struct))

; type_declaration > type_spec: interface
(source_file
  (type_declaration
    .
    (type_spec
      name: (type_identifier) @name
      type: (interface_type))
    .) @definition.interface)
(source_file
  (type_declaration
    (type_spec
      name: (type_identifier) @name
      type: (interface_type)) @definition.interface
    .
    (_) @_next))
(source_file
  (type_declaration
    (_) @_prev
    .
    (type_spec
      name: (type_identifier) @name
      type: (interface_type)) @definition.interface))

; type_declaration > type_spec: type
(source_file
  (type_declaration
    .
    (type_spec
      name: (type_identifier) @name
      type: [(type_identifier) (generic_type) (qualified_type) (pointer_type) (array_type) (slice_type) (map_type) (channel_type) (function_type) (parenthesized_type) (negated_type)])
    .) @definition.type)
(source_file
  (type_declaration
    (type_spec
      name: (type_identifier) @name
      type: [(type_identifier) (generic_type) (qualified_type) (pointer_type) (array_type) (slice_type) (map_type) (channel_type) (function_type) (parenthesized_type) (negated_type)]) @definition.type
    .
    (_) @_next))
(source_file
  (type_declaration
    (_) @_prev
    .
    (type_spec
      name: (type_identifier) @name
      type: [(type_identifier) (generic_type) (qualified_type) (pointer_type) (array_type) (slice_type) (map_type) (channel_type) (function_type) (parenthesized_type) (negated_type)]) @definition.type))

; type_declaration > type_alias: type
(source_file
  (type_declaration
    .
    (type_alias
      name: (type_identifier) @name)
    .) @definition.type)
(source_file
  (type_declaration
    (type_alias
      name: (type_identifier) @name) @definition.type
    .
    (_) @_next))
(source_file
  (type_declaration
    (_) @_prev
    .
    (type_alias
      name: (type_identifier) @name) @definition.type))

; const_declaration > const_spec: constant
(source_file
  (const_declaration
    .
    (const_spec
      .
      name: (identifier) @name)
    .) @definition.constant)
(source_file
  (const_declaration
    (const_spec
      .
      name: (identifier) @name) @definition.constant
    .
    (_) @_next))
(source_file
  (const_declaration
    (_) @_prev
    .
    (const_spec
      .
      name: (identifier) @name) @definition.constant))

; var_declaration > var_spec: variable. A grouped `var ( ... )` wraps its specs in a var_spec_list
; (unlike `type ( ... )` and `const ( ... )`), so no anchors are needed.
(source_file
  (var_declaration
    (var_spec
      .
      name: (identifier) @name)) @definition.variable)
(source_file
  (var_declaration
    (var_spec_list
      (var_spec
        .
        name: (identifier) @name) @definition.variable)))

; ------------------------------------------------------------------ references

(call_expression
  function: (identifier) @reference.call)

(call_expression
  function: (selector_expression
    field: (field_identifier) @reference.call))

(composite_literal
  type: (type_identifier) @reference.type)

(parameter_declaration
  type: (type_identifier) @reference.type)

(pointer_type
  (type_identifier) @reference.type)

(generic_type
  type: (type_identifier) @reference.type)

(qualified_type
  name: (type_identifier) @reference.type)

(field_declaration
  type: (type_identifier) @reference.type)

(slice_type
  element: (type_identifier) @reference.type)
