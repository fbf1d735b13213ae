"""Reference values for tests/c/test_numerics.c (linear algebra), from numpy.linalg."""
import numpy as np
A=np.array([[4.0,1.2,-0.5,0.3],[1.2,3.0,0.4,-0.2],[-0.5,0.4,2.5,0.7],[0.3,-0.2,0.7,1.8]])
G=np.array([[0.0,2.0,1.0],[1.0,-1.0,3.0],[4.0,0.5,-2.0]])
b=np.array([1.0,-2.0,0.5])
def arr(name,v): return "static const double %s[] = {%s};"%(name,", ".join(repr(float(x)) for x in np.ravel(v)))
print(arr("spd_a",A)); print(arr("spd_l",np.linalg.cholesky(A)))
print(arr("spd_inv",np.linalg.inv(A)))
w,V=np.linalg.eigh(A); idx=np.argsort(-w); w=w[idx]; V=V[:,idx]
for j in range(V.shape[1]):
    k=np.argmax(np.abs(V[:,j])); 
    if V[k,j]<0: V[:,j]*=-1
print(arr("spd_evals",w)); print(arr("spd_evecs",V))
print(arr("gen_a",G)); print(arr("gen_b",b)); print(arr("gen_x",np.linalg.solve(G,b))); print(arr("gen_inv",np.linalg.inv(G)))
rng=np.random.default_rng(7); n=12
X=np.column_stack([np.ones(n),rng.normal(size=n),rng.uniform(size=n)]); y=X@[1.5,-2.0,0.7]+rng.normal(scale=0.3,size=n); wts=rng.uniform(0.5,2,size=n)
print(arr("ls_x",X)); print(arr("ls_y",y)); print(arr("ls_w",wts))
print(arr("ls_beta",np.linalg.lstsq(X,y,rcond=None)[0]))
sw=np.sqrt(wts); print(arr("ls_wbeta",np.linalg.lstsq(X*sw[:,None],y*sw,rcond=None)[0]))
