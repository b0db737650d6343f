import type { RerankFeature } from './rerank.js';

// Every ranking weight in one place. Change a number here only with `codectx eval` numbers before and after.

export const params = {
  /** BM25 column weights, in the FTS5 column order: symbol, signature + doc, body, path. */
  fieldWeights: [10, 4, 1, 3] as const,
  /**
   * Added to BM25 per unit of term coverage (the fraction of query terms found in the chunk's text, symbol or path).
   * A tie-breaker: it matters only where BM25 cannot tell chunks apart, e.g. in tiny repositories where every IDF is ~0.
   */
  coverage: 0.01,
  /** Candidates fetched from FTS5 before boosts and the per-file cap. */
  lexicalCandidates: 200,
  /** The query names the chunk's symbol exactly (case-insensitive; ×caseBonus more when the case matches too). */
  exactSymbol: 2.5,
  exactSymbolCaseBonus: 1.1,
  /** The chunk's text holds an identifier of the query verbatim (case and all), not only its parts. */
  exactIdentifier: 1.5,
  /**
   * A question of at least `sentenceMinWords` words (not a pasted issue) keeps `sentenceBoostShare` of the exact-symbol
   * and exact-identifier boosts in lexical and hybrid search (1 + share × (factor − 1)); dense search keeps them whole.
   */
  // Hand-written dev suites (525), pooled MRR@10 lexical / dense / hybrid 0.647 / 0.539 / 0.702 → 0.654 / 0.539 / 0.709;
  // npm run eval 0.844 / 0.719 / 0.863 → 0.847 / 0.719 / 0.863; the 52 dev issues unchanged. From 8 to 11 words the
  // fixture's hybrid loses (0.860), from 13 one 12-word s3transfer question (0.686), from 16 up the gain fades (0.706,
  // 0.703 at 18). Share 0 / 0.5 at 13 words: 0.652 / 0.707 and 0.651 / 0.706 (share 0 costs levelup and
  // prosemirror-state 0.03). Applied in dense search too, the same share cost dense 0.539 → 0.533.
  sentenceMinWords: 12,
  sentenceBoostShare: 0.25,
  /** A plain word of a sentence-like query equals the chunk's name (`clone` in "clone the camera"): weak evidence. */
  nameWord: 1.3,
  /** Every word of the chunk's symbol name appears in the query (`user name` finds `getUserName`). */
  symbolWords: 1.4,
  /** The query contains the chunk's path, or a path suffix such as `store/schema.ts`. */
  exactPath: 2,
  /** A query word equals the file's stem (`engine` → engine.ts). */
  fileStem: 1.15,
  /**
   * A string literal of the chunk holds a run of at least `phraseMinWords` consecutive query words verbatim, covering
   * `phraseShare` of the query's words (or `phraseLongRun` words): a pasted error message found where it is raised.
   */
  // Measured on error-message questions generated from the dev suites (bench/error-queries.mjs): hybrid MRR@10
  // 0.770 → 0.907 (pydantic), 0.776 → 0.895 (oauthlib), 0.691 → 0.747 (lib/pq), 0.875 → 0.972 (luxon); dev prose and
  // identifier questions unchanged (±0.000). Matching any text instead of string literals cost docstring questions up
  // to 0.06 (three.js), where the same doc sentence recurs on sibling functions.
  exactPhrase: 1.5,
  phraseMinWords: 4,
  phraseShare: 0.5,
  phraseLongRun: 8,
  /** Only the first lexical candidates are searched for the phrase (string literals cost ~15 µs per chunk). */
  phraseCandidates: 50,
  /**
   * A question is also matched against each string literal written as words, as an issue's quoted messages are
   * (measured against the literal, a placeholder for one to three words, the first 200 lexical candidates).
   */
  // Error messages of the 20 hand-written dev sources (223, bench/error-queries.mjs) quoted inside a sentence: MRR@10
  // lexical 0.735 → 0.848, hybrid 0.746 → 0.849 (bare, they stay 0.906 / 0.927 → 0.928). Hand-written dev pooled MRR@10
  // lexical 0.643 → 0.647, hybrid 0.698 → 0.702 (containerd 0.631 → 0.650, twisted 0.638 → 0.657, kingpin 0.597 →
  // 0.629; lexical containerd 0.602 → 0.600, one question 5th → 6th); npm run eval 0.835/0.854 → 0.844/0.863
  // (lexical/hybrid). Literals without a space (`./one-and-dones`) were names: they cost mocha 0.019.
  phraseTemplates: true,
  /** Lexical and dense: at most this many results of one file lead; the others follow (rank-candidates.ts `capPerFile`). */
  resultsPerFile: 3,
  /**
   * Hybrid: each result already taken from a file multiplies the fused score of that file's next ones by this
   * (`diversify`), before the rerank. The hard cap above sent a file's fourth result below every other file's, out of
   * the rerank's reach (`Alerts.Less` after three other chunks of alert.go).
   */
  // Hybrid MRR@10 (hit@10), cap of 3 → 0.9: generated dev pydantic 0.803 → 0.812, oauthlib 0.745 → 0.746, lib/pq
  // 0.725 → 0.733, luxon 0.518 → 0.538 (0.727 → 0.813); 315 hand-written dev questions 0.693 (0.908) → 0.695 (0.930).
  // Flat from 0.85 to 1 (no diversity at all); 0.8 costs. Lexical and dense alone gain less than 0.01 on dev and lose
  // as much on the eval suites, so they keep the cap.
  sameFileDecay: 0.9,
  /**
   * Hybrid: the file of dense search's first result has a result among the first this many (0: not kept); fusion and
   * the rerank drop a strong dense hit whose words the query lacks (rank/keep-dense-first.ts).
   */
  // 52 dev issues, hybrid file Acc@10 80.8 → 82.7 (sphinx-8273: dense 1st, hybrid not in 50); the hand-written dev
  // suites and npm run eval unchanged. Moving the dense first result itself (not only when its file is missing) cost
  // cacache 0.656 → 0.652; lexical search's first kept the same way, the same; the dense first lifted into the rerank's
  // reach (scored with both sides' uncapped ranks) changed nothing anywhere: the rerank puts it back down.
  denseFirstWithin: 10,
  /** Definitions over text that merely mentions things. */
  definition: 1.1,
  /**
   * Hybrid: the dense share of the fused score for code-like queries (and a pasted message that exactPhrase finds
   * verbatim) and for plain-language questions.
   */
  // Fitted by bench/fit-fusion.mjs on dev suites the model never saw (pydantic, oauthlib, lib/pq, luxon):
  // prose MRR@10 0.491 lexical → 0.527 at 0.5; code-like queries flat from 0 to 0.4 (0.640 → 0.645 at 0.3).
  denseWeightCode: 0.3,
  denseWeightProse: 0.5,
  /** KNN candidates fetched for dense and hybrid search. */
  denseCandidates: 100,
  /**
   * KNN (Store.nearest): the in-memory index ranks every vector by the Hamming distance of its sign bits and keeps
   * `denseShortlist`; those are ranked by int8 cosine, and the best `denseRescore` are scored exactly (float vectors).
   */
  // Recall against exact search and latency on the Go std lib (94k vectors): docs/benchmarks.md, "Dense search".
  denseShortlist: 8000,
  denseRescore: 200,
  /**
   * Tests, fixtures, examples and generated files, unless the query asks for them; TypeScript declaration files
   * (`.d.ts`: the API again, beside its implementation) unless it asks for typings or declarations.
   */
  // .d.ts, hybrid MRR@10 on the hand-written dev suites that have them: commander 0.737 → 0.767 (lexical 0.689 →
  // 0.734), eslint 0.744 → 0.744 (dense 0.587 → 0.610); the others and every eval suite have none.

  testPenalty: 0.8,
  /**
   * Pasted issues only (ParsedQuery.issue: several lines, over 40 words; no hand-written question is one): how their
   * segments weigh. Measured on the 52 dev issues (bench/dev-issues.mjs --replay), see docs/eval.md "Real issues".
   */
  // Hybrid file Acc@1/5/10, function Acc@10: 32.7/59.6/76.9, 40.8 → 40.4/67.3/80.8, 42.9 (all three); prose share and
  // all-caps words alone 32.7/61.5/78.8, 40.8; the file weights alone 38.5/67.3/78.8, 42.9; messages alone 34.6/59.6/76.9,
  // 40.8. The 525 hand-written dev questions and the fixture suite are unchanged (the rules never fire on them).
  issue: {
    /** An identifier the issue writes only in its sentences boosts at this share of its strength: 1 + share × (f − 1). */
    proseBoostShare: 0.5,
    /** Docs, CI and configuration files, unless the issue names the file. */
    // After (f) and (g) of docs/eval.md, docs/CI/config and tests at 0.3 both (from 0.5): 52 dev issues hybrid file
    // Acc@1/5/10 53.8/78.8/90.4 -> 53.8/80.8/92.3 (function 55.1 the same), lexical 48.1/76.9/86.5 -> 48.1/82.7/90.4;
    // 0.4 the same in hybrid (lexical @5 80.8), 0.2 hybrid @5 78.8. Either alone at 0.3 gives the hybrid figures.
    nonSource: 0.3,
    /**
     * Tests (also a `testing/` folder and `conftest.py`), whatever the issue's words say: an issue names tests as what
     * fails (`the test errors with …`), and `asksForTests` had lifted the general penalty from most of them.
     */
    // 52 dev issues, hybrid file Acc@1/5/10, function Acc@10: 42.3/71.2/84.6, 49.0 → 48.1/76.9/84.6, 53.1; lexical
    // 40.4/69.2/78.8, 46.9 → 44.2/73.1/78.8, 51.0. 0.8: 46.2/75.0/86.5, 53.1; 0.6 to 0.2 the same @1 and @5 (0.3 and
    // below 55.1 functions); without `testing/` and `conftest.py` @10 84.6 at 0.6 and 0.4 instead of 86.5. Later 0.3,
    // with nonSource (see there).
    testPenalty: 0.3,
    /** Third-party code vendored into the repository (rank-candidates.ts `VENDORED`), unless the issue names the file. */
    vendored: 0.3,
    /** A file that a frame of the issue's traceback names. */
    tracebackFile: 1.2,
    /**
     * The issue's own boosts that multiply the rerank's score too (rerank.ts): the rerank has no feature for them (its
     * weights were fitted on questions) and would otherwise undo them in hybrid search.
     */
    // 52 dev issues (--replay), hybrid file Acc@1/5/10, function Acc@10 53.8/80.8/92.3, 59.2 → 55.8/82.7/92.3, 59.2
    // (lexical has no rerank). nonSource alone 53.8/82.7/92.3, 59.2; tracebackFile changes nothing here.
    rerankKeeps: ['nonSource', 'testPenalty', 'tracebackFile', 'vendored'] as readonly string[],
    /** Lexical candidates searched for the issue's error messages in string literals (pastedMessage). */
    messageCandidates: 200,
    /** A literal's placeholder (`%s`, `{}`, `{name}`) stands for one to this many words of the message. */
    placeholderWords: 3,
    /** A literal matches when it has at least this many words besides its placeholders, all found in order. */
    messageMinWords: 3,
    /**
     * Two-stage ranking (engine-search.ts `searchRanked`): the first `topFiles` files of the first ranking are searched
     * again alone (up to `fileCandidates` more lexical candidates), then files are ordered by evidence (rank/files-first.ts):
     * the i-th file leads with its best `fileSlots[i]` results. 0 and [] turn a stage off.
     */
    // 52 dev issues (--replay), file Acc@1/5/10, function Acc@10, hybrid: 40.4/67.3/80.8, 42.9 → 40.4/67.3/80.8, 46.9;
    // lexical 38.5/63.5/78.8, 42.9 → 40.4/67.3/78.8, 46.9. The functions gained are the 4th-5th of a first file whose
    // function the whole index crowded out (sphinx-8595, -8721, pylint-5859); slots alone give 44.9, the search of
    // the top files alone nothing. Power 2 (the first result's file leads more often) or the first file alone with 5
    // slots: hybrid the same, lexical files 38.5/63.5. p50 lexical 46 → 65 ms (the three files' FTS5 query).
    /**
     * Lexical search of a pasted issue: a file's later results are demoted softly (score × this per result of the file
     * already taken), as hybrid does, instead of the cap of `resultsPerFile`; the two-stage order sums their evidence.
     */
    // 52 dev issues, lexical file Acc@1/5/10, function Acc@10: 40.4/67.3/78.8, 46.9 → 40.4/69.2/78.8, 46.9 (0.8:
    // 38.5/69.2/78.8, 44.9; 0.7 less). For every query it would lift pooled lexical MRR@10 on the hand-written dev
    // suites 0.643 → 0.644 but cost six of them up to 0.013 (zrender 0.500 → 0.487, levelup 0.687 → 0.678): not taken.
    lexicalFileDecay: 0.9,
    topFiles: 3,
    fileCandidates: 60,
    fileSlots: [5, 3, 2, 1] as readonly number[],
    // In hybrid search the evidence counts the first `rerank.depth` results only (engine-search.ts): 52 dev issues
    // hybrid file Acc@5 84.6 → 86.5, function Acc@10 61.2 → 63.3; for lexical search (no rerank) the first 10 to 100
    // cost file Acc@5 (82.7 → 78.8-80.8), so it counts them all.
    evidencePower: 1,
    /**
     * The code graph in the second stage (rank/lift-callees.ts): for each of the first `calleeSeeds` results, its
     * best-ranked callee in another file, when ranked before `calleeWithin`, moves to just below it. A callee name
     * resolves in the caller's file, else only when at most `calleeDefinitions` definitions have it (store/graph.ts).
     */
    // 52 dev issues (--replay), hybrid function Acc@10 55.1 → 59.2 (requests-3362 14th → 10th, pylint-7080 37th →
    // 9th), file Acc@1/5/10 and lexical unchanged; context (file / function strict / lenient) 2k 75.0/44.9/53.1 →
    // 76.9/46.9/55.1, 4k 80.8/59.2/63.3 the same, 8k 90.4/69.4/73.5 → 90.4/71.4/75.5. Seeds 2 to 5 with a bound of 40
    // to 100 give 59.2; one seed or a bound of 25, 57.1. Callees in the seed's own file too (one seed): 57.1 but
    // context 4k function 59.2 → 57.1 (sphinx-8713: the first file's results reshuffled); three such seeds cost file
    // Acc@1 (51.9). For every question (not taken): hand-written pooled hybrid MRR@10 0.702 → 0.697-0.699.
    calleeSeeds: 3,
    calleeWithin: 50,
    calleeDefinitions: 2,
  },
  /** Hybrid: the learned linear rerank of the first `depth` results (rerank.ts); weights by feature name. */
  // Fitted by bench/fit-rerank.mjs on 1,387 generated dev questions (doc sentence, symbol name, error message of pydantic,
  // oauthlib, lib/pq, luxon) and 107 hand-written ones (bench/dev/handwritten: commander, cacache, bolt, marshmallow).
  // Leave-one-suite-out MRR@10: error +0.000 to +0.051, prose −0.017 to +0.015, identifier −0.003 to +0.001,
  // hand-written +0.019 to +0.070. The 314 held-out hand-written questions (never fitted on): 0.680 → 0.687, and 39 → 31
  // of them ranked below lexical search alone, with `lexicalPosition` (where lexical search alone puts a result); see
  // docs/eval.md for the eval suites.
  rerank: {
    depth: 30,
    weights: {
      fused: 1.813,
      position: 0.654,
      lexical: 0.446,
      dense: 0.278,
      lexicalRank: 0.329,
      lexicalPosition: 0.515,
      denseRank: 0.425,
      exactSymbol: 0.302,
      exactIdentifier: 0.511,
      nameWord: 0.173,
      symbolWords: 0.339,
      exactPath: 0.007,
      fileStem: 0.572,
      definition: 0.466,
      testPenalty: -0.413,
      exactPhrase: 0.406,
      coverage: 0.795,
      codeLexical: 0.258,
      codeDense: 0.026,
      marginLexical: 0.095,
      marginDense: 0.08,
      denseGapDense: 0.223,
      length: 0.81,
      markdown: -0.081,
      nameCoverage: 0.273,
      pathCoverage: 0.094,
      similarity: 0.095,
      blockKind: -0.374,
    } as Partial<Record<RerankFeature, number>>,
  },
} as const;

export type RankParams = typeof params;
