; inherits: typescript
; TSX tags: the TypeScript patterns (grammars/typescript, which inherits grammars/ecma; the TSX grammar has every node
; type they name) plus JSX component usage (`<JobList />`) as @reference.call.
; Conventions: see grammars/typescript/tags.scm.

; JSX: a capitalized element name is a component call.
(jsx_opening_element
  name: (identifier) @reference.call
  (#match? @reference.call "^[A-Z]"))

(jsx_self_closing_element
  name: (identifier) @reference.call
  (#match? @reference.call "^[A-Z]"))

(jsx_opening_element
  name: (member_expression
    property: (property_identifier) @reference.call))

(jsx_self_closing_element
  name: (member_expression
    property: (property_identifier) @reference.call))
