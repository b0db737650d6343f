"""Mines (query, chunk) training pairs from permissively licensed code installed on this machine.

Sources: Python's standard library and the Debian python3-* libraries in /usr/lib/python3/dist-packages, the Go
libraries of Debian golang-*-dev packages in /usr/share/gocode/src (never the Go standard library), the Rust standard
library of Debian rust-src, and the npm packages fetched by fetch-npm.sh. Every source passes the licence allowlist and
the contamination rule of exclusions.json (names, modules, every path segment, and content fingerprints of the
excluded corpora installed here). Pair kinds:
  doc      first sentence of a doc comment -> the function/class chunk with its doc removed
  name     the function name split into words -> its chunk without name and signature
  error    an error/exception message -> the function that raises it
  option   an option/config/environment key -> the function that reads it
  heading  a Markdown heading -> its section without the heading
Documents use the template of chunkEmbeddingText (path, symbol, signature, doc, content) via normalize.py.
Output: .cache/pairs.jsonl ({q, d, kind, src, split}) and .cache/manifest.json (export.py commits it beside the model). Validation split: whole sources.
"""
import ast
import fnmatch
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import time
import warnings
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from normalize import chunk_embedding_text, normalize_words  # noqa: E402

CACHE = os.path.join(HERE, ".cache")
MAX_FILE_BYTES = 400_000
MAX_PAIRS_PER_SOURCE = 12_000
MAX_BODY_LINES = 80
VAL_EVERY = 9  # one source in VAL_EVERY (by name hash) is held out for validation

PERMISSIVE = [
    "mit", "expat", "bsd", "apache", "isc", "psf", "python", "zlib", "unlicense", "cc0", "0bsd", "x11", "boost",
    "public-domain", "public domain", "wtfpl", "hpnd", "historical", "zpl", "zope", "blueoak",
]
NOT_PERMISSIVE = ["gpl", "lgpl", "agpl", "mpl", "epl", "cddl", "sspl", "busl", "cc-by-nc", "proprietary", "commercial"]

rng = random.Random(1234)


# ---------------------------------------------------------------- contamination rule (mirrored in model.test.ts)

def load_exclusions():
    with open(os.path.join(HERE, "exclusions.json"), encoding="utf-8") as f:
        return json.load(f)


def pattern_matches(pattern: str, name: str) -> bool:
    p, n = pattern.lower(), name.lower()
    if "/" in p:
        return n == p or n.startswith(p + "/")
    if fnmatch.fnmatchcase(n, p) and "/" not in n:
        return True
    return any(fnmatch.fnmatchcase(seg, p) for seg in n.split("/") if seg)


def excluded_by(names, exclusions, ecosystem=None):
    """The id of the first exclusion entry any of `names` matches, else None."""
    for entry in exclusions["entries"]:
        ecos = entry.get("ecosystems", ["any"])
        if ecosystem and "any" not in ecos and ecosystem not in ecos:
            continue
        for pat in entry["patterns"]:
            for name in names:
                if name and pattern_matches(pat, name):
                    return entry["id"]
    return None


def path_excluded(relpath, exclusions, ecosystem):
    segs = [s for s in relpath.replace("\\", "/").split("/") if s]
    if not segs:
        return None
    stem = segs[-1].split(".")[0]
    return excluded_by(segs[:-1] + [stem], exclusions, ecosystem)


def content_key(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode("utf-8", "replace")).hexdigest()


def fingerprints(exclusions):
    keys = set()
    for entry in exclusions["entries"]:
        for root in entry.get("fingerprint", []):
            root = root if os.path.isabs(root) else os.path.join(ROOT, root)
            for dirpath, _, files in os.walk(root):
                for fn in files:
                    p = os.path.join(dirpath, fn)
                    try:
                        if os.path.getsize(p) > MAX_FILE_BYTES:
                            continue
                        with open(p, encoding="utf-8", errors="replace") as f:
                            text = f.read()
                        if len(text.strip()) >= 200:
                            keys.add(content_key(text))
                    except OSError:
                        pass
    return keys


# ---------------------------------------------------------------- licences

MIT_TEXT = "permission is hereby granted, free of charge"


def debian_copyright_licences(pkg, files_glob="*"):
    """The licence of the DEP-5 stanza whose Files: list holds `files_glob` (the package's own code), else all."""
    path = f"/usr/share/doc/{pkg}/copyright"
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return None
    for stanza in re.split(r"\n\s*\n", text):
        m = re.search(r"^Files:((?:.*\n?)(?:[ \t]+.*\n?)*)", stanza, re.M)
        lic = re.search(r"^License:\s*([^\n]*)((?:\n[ \t]+[^\n]*)*)", stanza, re.M)
        if m and lic and files_glob in m.group(1).split():
            name = lic.group(1).strip()
            if not name and MIT_TEXT in lic.group(2).lower():
                return "MIT (text)"
            return name or "unknown"
    if not text.startswith("Format:"):
        # Free-form copyright file: name the licence whose text comes first (the package's own).
        low = text.lower()
        found = sorted((low.find(p), name) for p, name in [
            (MIT_TEXT, "MIT (text)"), ("redistribution and use in source and binary forms", "BSD (text)"),
            ("gnu general public license", "GPL (text)"), ("gnu lesser general public license", "LGPL (text)"),
            ("apache license", "Apache (text)"), ("mozilla public license", "MPL (text)")] if low.find(p) >= 0)
        if found:
            return found[0][1]
    lic = re.findall(r"^License:\s*([^\n]+)", text, re.M)
    return " / ".join(dict.fromkeys(x.strip() for x in lic)) if lic else "unknown"


def is_permissive(licence):
    if not licence:
        return False
    low = licence.lower()
    if any(bad in low for bad in NOT_PERMISSIVE) and " or " not in low and "|" not in low:
        return False
    parts = re.split(r"\s+or\s+|\s*\|\s*|/", low)
    return any(any(ok in part for ok in PERMISSIVE) and not any(b in part for b in NOT_PERMISSIVE) for part in parts)


def dpkg_owner(path):
    try:
        out = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True, timeout=30).stdout
    except Exception:
        return None
    line = out.strip().splitlines()[0] if out.strip() else ""
    return line.split(":")[0].split(",")[0].strip() or None


def dpkg_version(pkg):
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True).stdout.strip()
    except Exception:
        return ""


# ---------------------------------------------------------------- text helpers

SENT_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`'\"(\[]|$)|\n\s*\n")


def first_sentence(doc: str, symbol: str = ""):
    doc = re.sub(r"\{@\w+\s+([^}|]+)(?:\|[^}]*)?\}", r"\1", doc)  # {@link Foo} -> Foo
    doc = re.split(r"\n\s*(?:@\w|:param|:return|:raises|Args:|Returns:|Parameters\n|Examples?\b|#\s)", doc)[0]
    s = SENT_END.split(doc.strip(), maxsplit=1)[0]
    s = " ".join(s.split())
    if symbol:  # Go/Rust style "Foo returns ..." -> "returns ..."
        s = re.sub(r"^(?:The\s+|A\s+|An\s+)?" + re.escape(symbol) + r"\b\s*", "", s)
    words = normalize_words(s)
    if len(words) < 3 or len(words) > 40:
        return None
    if re.match(r"^(todo|fixme|deprecated|see |copyright|license|eslint|istanbul|jshint|@)", s.lower()):
        return None
    return s


def is_test_path(rel):
    low = rel.lower()
    return bool(re.search(r"(^|/)(tests?|testing|__tests__|spec|specs|testdata|fixtures?|examples?|benchmarks?)(/|$)", low)) or \
        bool(re.search(r"(_test\.go|\.test\.[jt]sx?|\.spec\.[jt]sx?|^test_|/test_[^/]*\.py)$", low))


OPTION_TEMPLATES = ["{k} option", "{k} setting", "where is the {k} option handled", "{k} config", "how is {k} configured"]
ERROR_TEMPLATES = ["{m}", "{m}", "error {m}", "why does it fail with {m}"]


def option_query(key):
    words = normalize_words(key)
    if not words or len(words) > 6:
        return None
    return rng.choice(OPTION_TEMPLATES).format(k=" ".join(words))


def error_query(msg):
    msg = re.sub(r"%[sdrfv]|\{[^}]*\}|\$\{[^}]*\}", " ", msg)
    words = normalize_words(msg)
    if len(words) < 3 or len(words) > 30:
        return None
    return rng.choice(ERROR_TEMPLATES).format(m=" ".join(words))


# ---------------------------------------------------------------- extractors
# Each yields (kind, query, path, symbol, signature, doc, content).

PY_OPTION = re.compile(
    r"""(?:kwargs|options|opts|config|conf|settings|params|environ|self\.config|self\.options)\s*(?:\.get\(|\.pop\(|\[)\s*['"]([A-Za-z_][\w.-]{2,40})['"]""")


def python_units(rel, text):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    lines = text.splitlines()

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                yield from unit(child, prefix)
                if isinstance(child, ast.ClassDef):
                    yield from visit(child, prefix + child.name + ".")

    def unit(n, prefix):
        start = (n.decorator_list[0].lineno if n.decorator_list else n.lineno) - 1
        end = min(n.end_lineno or n.lineno, start + MAX_BODY_LINES)
        body_lines = lines[start:end]
        doc = ast.get_docstring(n, clean=True)
        sig_line = lines[n.lineno - 1].strip()
        symbol = prefix + n.name
        doc_span = None
        if n.body and isinstance(n.body[0], ast.Expr) and isinstance(getattr(n.body[0], "value", None), ast.Constant) \
                and isinstance(n.body[0].value.value, str):
            doc_span = (n.body[0].lineno - 1 - start, (n.body[0].end_lineno or n.body[0].lineno) - start)
        no_doc = body_lines if not doc_span else body_lines[:doc_span[0]] + body_lines[doc_span[1]:]
        content_nodoc = "\n".join(no_doc)
        if doc:
            q = first_sentence(doc)
            if q:
                yield ("doc", q, rel, symbol, sig_line, "", content_nodoc)
        if isinstance(n, ast.ClassDef):
            return
        full = "\n".join(body_lines)
        if len(normalize_words(n.name)) >= 2 and not n.name.startswith("__"):
            body_only = "\n".join(no_doc[(n.lineno - 1 - start) + 1:])
            yield ("name", " ".join(normalize_words(n.name)), rel, "", "", doc or "", body_only)
        for sub in ast.walk(n):
            if isinstance(sub, ast.Raise) and isinstance(sub.exc, ast.Call) and sub.exc.args:
                a = sub.exc.args[0]
                msg = a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else \
                    " ".join(v.value for v in a.values if isinstance(v, ast.Constant) and isinstance(v.value, str)) \
                    if isinstance(a, ast.JoinedStr) else None
                if msg:
                    q = error_query(msg)
                    if q:
                        yield ("error", q, rel, symbol, sig_line, doc or "", full)
                        break
        for m in PY_OPTION.finditer(full):
            q = option_query(m.group(1))
            if q:
                yield ("option", q, rel, symbol, sig_line, doc or "", full)
                break

    yield from visit(tree, "")


JS_DECLS = [
    re.compile(r"^\s*(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*[<(]"),
    re.compile(r"^\s*(?:export\s+)?(?:declare\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::\s*[^=]+)?=>|[A-Za-z_$][\w$]*\s*=>)"),
    re.compile(r"^\s*(?:[A-Za-z_$][\w$]*\.)*(?:prototype\.)?([A-Za-z_$][\w$]*)\s*=\s*(?:async\s+)?function\b"),
    re.compile(r"^\s*(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:class|interface|enum|namespace)\s+([A-Za-z_$][\w$]*)"),
    re.compile(r"^\s*(?:export\s+)?(?:declare\s+)?type\s+([A-Za-z_$][\w$]*)\s*(?:<[^=]*>)?\s*="),
    re.compile(r"^\s*(?:(?:public|private|protected|static|async|readonly|abstract|override|get|set|declare)\s+)*([A-Za-z_$][\w$]*)\s*\??\s*(?:<[^>]*>)?\s*\((?:[^()]|\([^()]*\))*\)\s*(?::\s*[^{;]+)?\s*[{;]?\s*$"),
    re.compile(r"^\s*([A-Za-z_$][\w$]*)\s*:\s*(?:async\s+)?function\b"),
]
JS_KEYWORDS = {"if", "for", "while", "switch", "catch", "return", "function", "with", "else", "do", "try", "new",
               "typeof", "constructor", "super", "import", "require", "export", "await", "yield", "delete", "void"}
GO_DECL = re.compile(r"^func\s+(?:\(\s*\w*\s*\*?\s*([A-Za-z_]\w*)(?:\[[^\]]*\])?\s*\)\s*)?([A-Za-z_]\w*)\s*[\[(]")
GO_TYPE = re.compile(r"^type\s+([A-Za-z_]\w*)\s")
RUST_DECL = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:default\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+\"[^\"]*\"\s+)?fn\s+([A-Za-z_]\w*)")
RUST_TYPE = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:unsafe\s+)?(?:struct|enum|trait|union|type)\s+([A-Za-z_]\w*)")
ERROR_PATTERNS = {
    "js": re.compile(r"""throw\s+new\s+\w*(?:Error|Exception)\s*\(\s*(['"`])((?:(?!\1).){8,200})\1"""),
    "go": re.compile(r"""(?:errors\.New|fmt\.Errorf|panic)\(\s*"((?:[^"\\]|\\.){8,200})\""""),
    "rust": re.compile(r"""(?:panic!|expect|unreachable!|assert!\([^,]+,)\s*\(?\s*"((?:[^"\\]|\\.){8,200})\""""),
}
OPTION_PATTERNS = {
    "js": re.compile(r"""(?:options|opts|config|settings|params|props|process\.env)\s*(?:\.|\[\s*['"])([A-Za-z_$][\w$]{2,40})"""),
    "go": re.compile(r"""(?:os\.Getenv|Lookup(?:Env)?|viper\.Get\w*|\.String|\.Bool|\.Int|\.Duration)\(\s*"([A-Za-z_][\w.-]{2,40})\""""),
    "rust": re.compile(r"""(?:env::var(?:_os)?|getenv)\(\s*"([A-Za-z_][\w.-]{2,40})\""""),
}


def brace_body(lines, i):
    """Lines i.. of a brace-delimited declaration, or only its head when it ends with ';' before any '{'."""
    depth, opened, out = 0, False, []
    for j in range(i, min(len(lines), i + MAX_BODY_LINES)):
        line = lines[j]
        code = re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//.*$", "", line)
        out.append(line)
        for ch in code:
            if ch == "{":
                depth += 1
                opened = True
            elif ch == "}":
                depth -= 1
        if opened and depth <= 0:
            break
        if not opened and code.rstrip().endswith(";"):
            break
    return out


def clean_block_comment(block):
    text = "\n".join(block)
    text = re.sub(r"^\s*/\*\*?", "", text)
    text = re.sub(r"\*/\s*$", "", text)
    return "\n".join(re.sub(r"^\s*\*\s?", "", l) for l in text.splitlines())


def brace_units(rel, text, lang):
    lines = text.splitlines()
    n = len(lines)
    i = 0
    pending_doc, pending_raw = None, None
    while i < n:
        line = lines[i]
        s = line.strip()
        # Doc comments.
        if lang in ("js", "java") and s.startswith("/**"):
            j = i
            while j < n and "*/" not in lines[j]:
                j += 1
            block = lines[i:j + 1]
            pending_doc, pending_raw = clean_block_comment(block), "\n".join(block)
            i = j + 1
            continue
        if (lang == "go" and s.startswith("//") and not s.startswith("//go:")) or (lang == "rust" and s.startswith("///")):
            j = i
            marker = "///" if lang == "rust" else "//"
            while j < n and lines[j].strip().startswith(marker):
                j += 1
            block = lines[i:j]
            pending_doc = "\n".join(l.strip()[len(marker):].strip() for l in block)
            pending_raw = "\n".join(block)
            i = j
            continue
        if not s or s.startswith("@") or s.startswith("#[") or s.startswith("//"):
            i += 1
            continue
        name, recv = None, None
        if lang == "js":
            for rx in JS_DECLS:
                m = rx.match(line)
                if m and m.group(1) not in JS_KEYWORDS:
                    name = m.group(1)
                    break
        elif lang == "go":
            m = GO_DECL.match(line)
            if m:
                recv, name = m.group(1), m.group(2)
            else:
                m = GO_TYPE.match(line)
                name = m.group(1) if m else None
        elif lang == "rust":
            m = RUST_DECL.match(line) or RUST_TYPE.match(line)
            name = m.group(1) if m else None
        if not name:
            pending_doc = None
            i += 1
            continue
        body = brace_body(lines, i)
        content = "\n".join(body)
        symbol = f"{recv}.{name}" if recv else name
        sig = s[:200]
        doc = pending_doc
        if doc:
            q = first_sentence(doc, name if lang in ("go", "rust") else "")
            if q:
                yield ("doc", q, rel, symbol, sig, "", content)
        if len(body) >= 3:
            if len(normalize_words(name)) >= 2:
                yield ("name", " ".join(normalize_words(name)), rel, "", "", pending_raw or "", "\n".join(body[1:]))
            em = ERROR_PATTERNS[lang].search(content)
            if em:
                q = error_query(em.group(em.lastindex))
                if q:
                    yield ("error", q, rel, symbol, sig, pending_raw or "", content)
            om = OPTION_PATTERNS[lang].search(content)
            if om:
                q = option_query(om.group(1))
                if q:
                    yield ("option", q, rel, symbol, sig, pending_raw or "", content)
        pending_doc, pending_raw = None, None
        # Step inside classes/impls/interfaces (their members have docs of their own); skip over function bodies.
        if lang == "js" and re.search(r"\b(class|interface|namespace|enum)\b", s) or \
                lang == "rust" and re.match(r"^\s*(?:pub\S*\s+)?(?:unsafe\s+)?(?:trait|impl)\b", s):
            i += 1
        else:
            i += max(1, len(body))


GENERATED = re.compile(r"Code generated .* DO NOT EDIT|@generated|autogenerated by|Generated by the protocol buffer compiler", re.I)
HEADING = re.compile(r"^(#{1,4})\s+(.+?)\s*#*\s*$")


def markdown_units(rel, text):
    if re.search(r"(changelog|history|changes|license|licence|contributing|code_of_conduct|security)", rel.lower()):
        return
    sections, cur, head = [], [], None
    fence = False
    for line in text.splitlines():
        if line.strip().startswith("```"):
            fence = not fence
        m = None if fence else HEADING.match(line)
        if m:
            if head:
                sections.append((head, cur))
            head, cur = m.group(2), []
        else:
            cur.append(line)
    if head:
        sections.append((head, cur))
    for head, body in sections:
        hw = normalize_words(re.sub(r"`|\[|\]\([^)]*\)", " ", head))
        content = "\n".join(body)
        if 2 <= len(hw) <= 16 and len(normalize_words(content, 30)) >= 20:
            yield ("heading", " ".join(hw), rel, "", "", "", content)


def units_for(rel, text, lang):
    if lang == "python":
        yield from python_units(rel, text)
    elif lang == "md":
        yield from markdown_units(rel, text)
    else:
        yield from brace_units(rel, text, lang)


def lang_of(path):
    p = path.lower()
    if p.endswith(".py"):
        return "python"
    if re.search(r"\.(m|c)?[jt]sx?$", p) or p.endswith(".d.ts"):
        return "js"
    if p.endswith(".go"):
        return "go"
    if p.endswith(".rs"):
        return "rust"
    if p.endswith(".md"):
        return "md"
    return None


# ---------------------------------------------------------------- sources

class Source:
    def __init__(self, name, version, licence, ecosystem, root, modules, origin):
        self.name, self.version, self.licence, self.ecosystem = name, version, licence, ecosystem
        self.root, self.modules, self.origin = root, modules, origin


def python_sources():
    out = []
    stdlib = f"/usr/lib/python3.{sys.version_info.minor}"
    out.append(Source(f"python{sys.version_info.major}.{sys.version_info.minor}-stdlib", sys.version.split()[0],
                      "PSF-2.0", "python", stdlib, ["python-stdlib"], "Debian libpython3.11-stdlib"))
    base = "/usr/lib/python3/dist-packages"
    by_pkg = defaultdict(list)
    for entry in sorted(os.listdir(base)):
        p = os.path.join(base, entry)
        if entry.startswith("_") or entry.endswith((".dist-info", ".egg-info", ".pth", ".so")) or entry == "__pycache__":
            continue
        if not (os.path.isdir(p) or entry.endswith(".py")):
            continue
        pkg = dpkg_owner(p)
        if pkg:
            by_pkg[pkg].append(entry[:-3] if entry.endswith(".py") else entry)
    for pkg, mods in sorted(by_pkg.items()):
        if not pkg.startswith("python3-"):
            continue
        lic = debian_copyright_licences(pkg)
        roots = [os.path.join(base, m if os.path.isdir(os.path.join(base, m)) else m + ".py") for m in mods]
        out.append(Source(pkg, dpkg_version(pkg), lic, "python", roots, mods, f"Debian {pkg}"))
    return out


def go_sources():
    base = "/usr/share/gocode/src"
    out = []
    if not os.path.isdir(base):
        return out
    mods = []
    for host in sorted(os.listdir(base)):
        hp = os.path.join(base, host)
        if not os.path.isdir(hp):
            continue
        if host in ("github.com", "golang.org", "go.etcd.io", "gopkg.in", "google.golang.org", "go.opentelemetry.io",
                    "cloud.google.com", "gotest.tools", "go.uber.org", "k8s.io", "sigs.k8s.io"):
            depth = 2 if host in ("github.com", "golang.org") else 1
            if host == "golang.org":
                depth = 2
            for first in sorted(os.listdir(hp)):
                fp = os.path.join(hp, first)
                if depth == 1:
                    mods.append((f"{host}/{first}", fp))
                elif os.path.isdir(fp):
                    for second in sorted(os.listdir(fp)):
                        mods.append((f"{host}/{first}/{second}", os.path.join(fp, second)))
        else:
            mods.append((host, hp))
    for mod, path in mods:
        if not os.path.isdir(path):
            continue
        probe = None
        for dirpath, _, files in os.walk(path):
            gos = [f for f in files if f.endswith(".go")]
            if gos:
                probe = os.path.join(dirpath, gos[0])
                break
        if not probe:
            continue
        pkg = dpkg_owner(probe) or "unknown"
        out.append(Source(mod, dpkg_version(pkg), debian_copyright_licences(pkg), "go", [path], [mod, pkg], f"Debian {pkg}"))
    return out


def rust_sources():
    base = "/usr/lib/rustlib/src/rust/library"
    out = []
    if not os.path.isdir(base):
        return out
    lic = debian_copyright_licences("rust-src", "library/*")
    ver = dpkg_version("rust-src")
    for crate in sorted(os.listdir(base)):
        p = os.path.join(base, crate)
        if os.path.isdir(p):
            out.append(Source(f"rust-std/{crate}", ver, lic, "rust", [p], [crate], "Debian rust-src"))
    return out


def npm_sources():
    out = []
    resolved = os.path.join(CACHE, "npm", "resolved.tsv")
    if not os.path.exists(resolved):
        return out
    for line in open(resolved, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 3 or not os.path.isdir(parts[2]):
            continue
        name, version, d = parts
        lic = "unknown"
        try:
            pj = json.load(open(os.path.join(d, "package.json"), encoding="utf-8"))
            lic = pj.get("license") or (pj.get("licenses") or [{}])[0].get("type") or "unknown"
            if isinstance(lic, dict):
                lic = lic.get("type", "unknown")
        except Exception:
            pass
        out.append(Source(name, version, str(lic), "npm", [d], [name], "npm registry (npm pack)"))
    return out


def iter_files(src):
    for root in src.root if isinstance(src.root, list) else [src.root]:
        if os.path.isfile(root):
            yield root, os.path.basename(root)
            continue
        for dirpath, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in ("node_modules", "__pycache__", ".git", "site-packages", "dist-packages")
                       and not d.startswith(".")]
            for fn in files:
                p = os.path.join(dirpath, fn)
                rel = os.path.relpath(p, root if os.path.isdir(root) else os.path.dirname(root))
                if os.path.isdir(root) and src.ecosystem in ("python",) and src.name != "python3.11-stdlib":
                    rel = os.path.join(os.path.basename(root), rel)
                yield p, rel


def short_name(src):
    return src.name.split("/")[-1] if src.ecosystem != "go" else src.name


def main():
    t0 = time.time()
    exclusions = load_exclusions()
    print("fingerprinting excluded corpora...", flush=True)
    fps = fingerprints(exclusions)
    print(f"  {len(fps)} file fingerprints in {time.time() - t0:.0f}s", flush=True)
    sources = python_sources() + go_sources() + rust_sources() + npm_sources()
    print(f"{len(sources)} candidate sources ({time.time() - t0:.0f}s)", flush=True)
    manifest, skipped = [], []
    seen_pairs, seen_docs = set(), set()
    kinds = Counter()
    os.makedirs(CACHE, exist_ok=True)
    out = open(os.path.join(CACHE, "pairs.jsonl"), "w", encoding="utf-8")
    for src in sources:
        ex = excluded_by([src.name] + list(src.modules), exclusions, src.ecosystem)
        if ex:
            skipped.append({"name": src.name, "reason": f"excluded ({ex})"})
            continue
        if not is_permissive(src.licence):
            skipped.append({"name": src.name, "reason": f"licence not permissive: {src.licence}"})
            continue
        split = "val" if int(hashlib.sha1(src.name.encode()).hexdigest(), 16) % VAL_EVERY == 0 else "train"
        n_files, n_pairs, per_kind = 0, 0, Counter()
        fp_hits, path_hits = 0, 0
        units = []
        for path, rel in iter_files(src):
            lang = lang_of(path)
            if not lang or lang == "md" and src.ecosystem != "npm":
                continue
            if lang == "js" and (re.search(r"\.min\.[jt]s$|[.-]bundle\.|\.map$", path) or "/umd/" in path):
                continue
            if src.ecosystem != "npm" and lang == "js":
                continue
            if is_test_path(rel):
                continue
            if path_excluded(rel, exclusions, src.ecosystem):
                path_hits += 1
                continue
            try:
                if os.path.getsize(path) > MAX_FILE_BYTES:
                    continue
                text = open(path, encoding="utf-8", errors="replace").read()
            except OSError:
                continue
            if GENERATED.search(text[:2000]):
                continue
            if "__webpack_require__" in text or "/*! For license information" in text:
                path_hits += 1  # a webpack-built bundle: webpack's runtime is vendored in it
                continue
            if content_key(text) in fps:
                fp_hits += 1
                continue
            n_files += 1
            rel_path = f"{short_name(src)}/{rel}" if src.ecosystem == "npm" else rel
            units.extend(units_for(rel_path, text, lang))
        rng.shuffle(units)
        for kind, q, rel, symbol, sig, doc, content in units:
            if n_pairs >= MAX_PAIRS_PER_SOURCE:
                break
            qn = " ".join(normalize_words(q, 64))
            d = chunk_embedding_text(rel, symbol, sig, doc, content)
            if len(d.split()) < 5 or not qn:
                continue
            hp = hashlib.sha1(f"{qn}\t{d}".encode()).hexdigest()
            # Path-free: the same function shipped twice (cjs and esm builds, a vendored copy) is one document.
            hd = hashlib.sha1(f"{kind}\t{chunk_embedding_text('', symbol, sig, doc, content)}".encode()).hexdigest()
            if hp in seen_pairs or hd in seen_docs:
                continue
            seen_pairs.add(hp)
            seen_docs.add(hd)
            out.write(json.dumps({"q": qn, "d": d, "kind": kind, "src": src.name, "split": split}) + "\n")
            n_pairs += 1
            per_kind[kind] += 1
        kinds.update(per_kind)
        if n_pairs:
            manifest.append({"name": src.name, "version": src.version, "licence": src.licence,
                             "ecosystem": src.ecosystem, "origin": src.origin, "modules": list(src.modules),
                             "split": split, "files": n_files, "pairs": n_pairs, "kinds": dict(per_kind),
                             "skippedVendoredFiles": path_hits, "skippedFingerprintFiles": fp_hits})
        print(f"  {src.name:50s} {split:5s} files={n_files:5d} pairs={n_pairs:6d} {dict(per_kind)}", flush=True)
    out.close()
    body = {"sources": manifest}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
    total = sum(m["pairs"] for m in manifest)
    doc = {"hash": digest, "generatedBy": "training/mine.py", "totalPairs": total, "kinds": dict(kinds),
           "permissiveAllowlist": PERMISSIVE, "sources": manifest, "skipped": skipped}
    # The committed training/manifest.json is written by export.py, with the model trained on these pairs.
    with open(os.path.join(CACHE, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"{total} pairs from {len(manifest)} sources in {time.time() - t0:.0f}s; kinds {dict(kinds)}; hash {digest}")


if __name__ == "__main__":
    main()
