" Vim syntax file for SCN (stochastic-computing neuromorphic models).
" Keywords follow LANGUAGE.md §1 / grammar/src/lexer/token.rs KEYWORDS (the VS Code grammar test
" checks its own copy against the lexer; keep this one in step with editors/vscode).
if exists('b:current_syntax')
  finish
endif

syn keyword scnDeclaration neuron synapse network property channel compartment preset fn const
syn keyword scnInclude import use as
syn keyword scnConditional if else
syn keyword scnRepeat for in
syn keyword scnAssert assert assume cover
syn keyword scnOperatorWord and or not
syn keyword scnBoolean true false
syn keyword scnKeyword param state input output let next on emit deliver refractory clamp solver
syn keyword scnKeyword substeps precision overflow rounding scale invariant rng pop connect via
syn keyword scnKeyword stimulus monitor stream sub
syn match scnKeyword /^\s*\zs\(gate\|current\)\>/
" Property keywords (only keywords inside a property body; highlighted everywhere here).
syn keyword scnPropertyKeyword per sliding tumbling within of preceded_by at_most
syn keyword scnDimension time voltage conductance capacitance resistance frequency
syn keyword scnDimension concentration length area charge dimensionless
syn keyword scnType prob bipolar bool int fix ufix bits count
syn match scnType /\<Q\d\+\.\d\+\>/

" Numbers, then quantities (a number followed on the same line by a unit).
syn match scnNumber /\<\d[0-9_]*\(\.\d[0-9_]*\)\=\([eE][-+]\=\d\+\)\=\>/
syn match scnNumber /\<0[xX]\x[0-9a-fA-F_]*\>/
syn match scnNumber /\<0[bB][01][01_]*\>/
syn match scnQuantity /\<\d[0-9_]*\(\.\d[0-9_]*\)\=\([eE][-+]\=\d\+\)\=[ \t]*\%([fpnumckMG]\=\%(s\|V\|A\|S\|F\|ohm\|Hz\|mol\|M\|m\|g\|K\)\|cycles\=\|steps\=\)\>\%(^-\=\d\+\)\=\%([*/]\%([fpnumckMG]\=\%(s\|V\|A\|S\|F\|ohm\|Hz\|mol\|M\|m\|g\|K\)\|cycles\=\|steps\=\)\>\%(^-\=\d\+\)\=\)*/ contains=scnQuantityNumber
syn match scnQuantityNumber /\<\d[0-9_]*\(\.\d[0-9_]*\)\=\([eE][-+]\=\d\+\)\=/ contained
syn match scnDerivative /\<d\h\w*\/dt\>\ze\s*=[^=]/
syn match scnAnnotation /@\h\w*/

syn region scnString start=/"/ skip=/\\./ end=/"\|$/ contains=scnEscape oneline
syn match scnEscape /\\./ contained
syn keyword scnTodo TODO FIXME XXX NOTE contained
syn match scnComment /\/\/.*$/ contains=scnTodo
syn match scnDocComment /\/\/\/\([^/].*\)\=$/ contains=scnTodo
syn region scnBlockComment start=/\/\*/ end=/\*\// contains=scnBlockComment,scnTodo

hi def link scnDeclaration Structure
hi def link scnInclude Include
hi def link scnConditional Conditional
hi def link scnRepeat Repeat
hi def link scnAssert Keyword
hi def link scnOperatorWord Operator
hi def link scnBoolean Boolean
hi def link scnKeyword Keyword
hi def link scnPropertyKeyword Keyword
hi def link scnDimension Type
hi def link scnType Type
hi def link scnNumber Number
hi def link scnQuantity Special
hi def link scnQuantityNumber Number
hi def link scnDerivative Function
hi def link scnAnnotation PreProc
hi def link scnString String
hi def link scnEscape SpecialChar
hi def link scnTodo Todo
hi def link scnComment Comment
hi def link scnDocComment SpecialComment
hi def link scnBlockComment Comment

let b:current_syntax = 'scn'
