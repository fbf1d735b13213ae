"""Independent Python reference for the generator golden values in tests/c/test_rng.c:
xoshiro256** (from its definition), the SplitMix64 seeding of docs/rng.md, and the 2^128 jump
computed as a power of the GF(2) transition matrix (not with the published jump polynomial)."""
M = (1 << 64) - 1
def rotl(x, k): return ((x << k) | (x >> (64 - k))) & M
def xoshiro_next(s):
    result = (rotl((s[1] * 5) & M, 7) * 9) & M
    t = (s[1] << 17) & M
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45)
    return result
def splitmix(st):
    st[0] = (st[0] + 0x9E3779B97F4A7C15) & M
    z = st[0]
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)
def seed(seed, stream):
    a = [seed]; b = [stream ^ 0x6A09E667F3BCC909]
    return [splitmix(a) ^ rotl(splitmix(b), 32) for _ in range(4)]
s = [1, 2, 3, 4]
print("state {1,2,3,4}:", [xoshiro_next(s) for _ in range(6)])
for sd, stv in [(42, 0), (42, 1), (0, 0)]:
    s = seed(sd, stv)
    print((sd, stv), ["0x%016x" % xoshiro_next(s) for _ in range(4)])
s = seed(42, 0)
print("uniform", [(xoshiro_next(s) >> 11) * 2.0**-53 for _ in range(3)])
# jump by 2^128 via GF(2) matrix power: column j of T = next_state(e_j)
def step_state(st):
    s = list(st); xoshiro_next(s); return s
def as_int(st): return st[0] | st[1] << 64 | st[2] << 128 | st[3] << 192
def from_int(v): return [(v >> (64 * i)) & M for i in range(4)]
cols = [as_int(step_state(from_int(1 << j))) for j in range(256)]
def apply(cols, v):
    r = 0; j = 0
    while v:
        if v & 1: r ^= cols[j]
        v >>= 1; j += 1
    return r
def compose(a, b):  # a after b
    return [apply(a, c) for c in b]
P = cols
for _ in range(128): P = compose(P, P)
s0 = seed(42, 0)
print("jumped(42,0) next:", "0x%016x" % xoshiro_next(from_int(apply(P, as_int(s0)))))
