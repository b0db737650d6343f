; Python tags: functions (methods are function_definitions inside a class body; the chunker turns them into
; methods), classes, module-level assignments and type aliases, class-level attributes as fields, with docstrings
; as @doc; calls and superclasses as references.
;
; Conventions (shared by every grammars/*/tags.scm):
;   @definition.<kind>  the whole definition node (function_definition / class_definition, never the
;   decorated_definition around it: the chunker extends to decorators); @name  its name node;
;   @doc  the docstring (first statement of the body), in the same pattern as the definition: each definition
;   has a pattern with and one without docstring, and the chunker merges matches on the same node.

; ------------------------------------------------------------------ functions and classes

(function_definition
  name: (identifier) @name
  body: (block
    .
    (expression_statement
      (string) @doc))) @definition.function

(function_definition
  name: (identifier) @name) @definition.function

(class_definition
  name: (identifier) @name
  body: (block
    .
    (expression_statement
      (string) @doc))) @definition.class

(class_definition
  name: (identifier) @name) @definition.class

; ------------------------------------------------------------------ module level
; The definition node is the expression_statement holding the assignment. Only direct children of the module:
; assignments inside functions, `if __name__ == "__main__":` blocks, loops... are not definitions.
; Tuple targets (`a, b = ...`) are not captured. The kinds are exclusive (no node matches two patterns).

; `Clock: TypeAlias = Callable[[], float]`
(module
  (expression_statement
    (assignment
      left: (identifier) @name
      type: (type) @_type
      (#match? @_type "^(typing\\.)?TypeAlias$"))) @definition.type)

; `MAX_SIZE = 10`, `_DEFAULT: int = 3`: UPPER_CASE names are constants.
(module
  (expression_statement
    (assignment
      left: (identifier) @name
      !type
      (#match? @name "^_*[A-Z][A-Z0-9_]*$"))) @definition.constant)

(module
  (expression_statement
    (assignment
      left: (identifier) @name
      type: (type) @_type
      (#match? @name "^_*[A-Z][A-Z0-9_]*$")
      (#not-match? @_type "^(typing\\.)?TypeAlias$"))) @definition.constant)

; Any other module-level assignment or bare annotation (`cache = {}`, `logger: Logger`).
(module
  (expression_statement
    (assignment
      left: (identifier) @name
      !type
      (#not-match? @name "^_*[A-Z][A-Z0-9_]*$"))) @definition.variable)

(module
  (expression_statement
    (assignment
      left: (identifier) @name
      type: (type) @_type
      (#not-match? @name "^_*[A-Z][A-Z0-9_]*$")
      (#not-match? @_type "^(typing\\.)?TypeAlias$"))) @definition.variable)

; `type Pair = tuple[str, str]` / `type Box[T] = list[T]` (Python 3.12)
(type_alias_statement
  left: (type
    [
      (identifier) @name
      (generic_type
        (identifier) @name)
    ])) @definition.type

; ------------------------------------------------------------------ class attributes
; `rate: float`, `hits: int = 0`, `FRESH = "fresh"` directly in a class body (dataclass fields, enum members).
(class_definition
  body: (block
    (expression_statement
      (assignment
        left: (identifier) @name)) @definition.field))

; ------------------------------------------------------------------ references

(call
  function: (identifier) @reference.call)

(call
  function: (attribute
    attribute: (identifier) @reference.call))

(class_definition
  superclasses: (argument_list
    (identifier) @reference.class))

(class_definition
  superclasses: (argument_list
    (attribute
      attribute: (identifier) @reference.class)))

(type
  (identifier) @reference.type)
