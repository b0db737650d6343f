; Ruby tags: classes, modules, methods (`def`, `def self.x`, methods in `class << self`), constants assigned at
; top level or in a class/module body, and top-level local variables as definitions; calls, superclasses and
; constant receivers (`Bucket.new`) as references.
;
; Conventions (shared by every grammars/*/tags.scm):
;   @definition.<kind>  the whole definition node; @name  its name node (same pattern); @scope  the namespace
;   of `class Outer::Inner` (the qualifier, when it is not an enclosing node).

; ------------------------------------------------------------------ classes and modules

(class
  name: (constant) @name) @definition.class

(class
  name: (scope_resolution
    scope: (_) @scope
    name: (constant) @name)) @definition.class

(module
  name: (constant) @name) @definition.module

(module
  name: (scope_resolution
    scope: (_) @scope
    name: (constant) @name)) @definition.module

; ------------------------------------------------------------------ methods
; Names may be identifiers, setters (`name=`), operators (`==`, `[]`) or constants.

(method
  name: (_) @name) @definition.method

; `def self.build` (object: self) and `def Foo.build`.
(singleton_method
  name: (_) @name) @definition.method

; ------------------------------------------------------------------ constants and variables
; `LIMIT = 10` at top level or directly in a class / module / `class << self` body (constant assignment in a
; method body is a syntax error in Ruby). Top-level `Foo::BAR = 1` is named BAR.

(program
  (assignment
    left: [
      (constant) @name
      (scope_resolution
        name: (constant) @name)
    ]) @definition.constant)

(class
  body: (body_statement
    (assignment
      left: (constant) @name) @definition.constant))

(module
  body: (body_statement
    (assignment
      left: (constant) @name) @definition.constant))

(singleton_class
  body: (body_statement
    (assignment
      left: (constant) @name) @definition.constant))

; Top-level local variables of a script.
(program
  (assignment
    left: (identifier) @name) @definition.variable)

; ------------------------------------------------------------------ references

(call
  method: (identifier) @reference.call
  (#not-any-of? @reference.call "require" "require_relative" "attr_reader" "attr_writer" "attr_accessor" "include" "extend" "private" "protected" "public" "module_function"))

(call
  receiver: (constant) @reference.class)

(call
  receiver: (scope_resolution
    name: (constant) @reference.class))

(superclass
  [
    (constant) @reference.class
    (scope_resolution
      name: (constant) @reference.class)
  ])
