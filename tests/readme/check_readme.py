"""Runs the quick-start code blocks of README.md (C, Python, Lua) so the README stays true.

usage: check_readme.py SOURCE_DIR BINARY_DIR CC [LUA]
Exit 77 (ctest: skipped) while the sample data the README uses does not exist yet.
"""
import os
import re
import subprocess
import sys
import tempfile

src, binary, cc = sys.argv[1:4]
lua = sys.argv[4] if len(sys.argv) > 4 else None
readme = open(os.path.join(src, "README.md"), encoding="utf-8").read()
blocks = re.findall(r"```(c|python|lua)\n(.*?)```", readme, re.S)
if not os.path.exists(os.path.join(src, "examples/data/interactions.csv")):
    print("examples/data/interactions.csv not present: skipped")
    sys.exit(77)
langs = {lang for lang, _ in blocks}
assert {"c", "python", "lua"} <= langs, f"README quick start lacks a block: {langs}"


def run(cmd, **kw):
    print("$", " ".join(cmd))
    r = subprocess.run(cmd, cwd=src, capture_output=True, text=True, **kw)
    sys.stdout.write(r.stdout)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        sys.exit(f"README block failed: {' '.join(cmd)}")


with tempfile.TemporaryDirectory() as tmp:
    for i, (lang, code) in enumerate(blocks):
        if lang == "c":
            path = os.path.join(tmp, f"block{i}.c")
            open(path, "w").write(code)
            exe = os.path.join(tmp, f"block{i}")
            run([cc, "-std=c11", "-Wall", "-Wextra", "-Werror", path,
                 "-I", os.path.join(src, "include"), "-I", os.path.join(binary, "include"),
                 "-L", binary, "-lcxkit", "-Wl,-rpath," + binary, "-o", exe])
            run([exe])
        elif lang == "python":
            env = dict(os.environ, PYTHONPATH=os.path.join(binary, "python"))
            run([sys.executable, "-c", code], env=env)
        elif lang == "lua" and lua:
            code = code.replace("build/dev/lua", os.path.join(binary, "lua"))
            run([lua, "-e", code])
print(f"{len(blocks)} README blocks ran")
