# Installs the built package directory PKG with pip into a fresh venv under WORK (no network, no
# build isolation: Debian's setuptools), then imports it from outside the build tree.
file(REMOVE_RECURSE ${WORK})
execute_process(COMMAND ${PYTHON} -m venv --system-site-packages ${WORK}/venv RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "python -m venv failed (Debian: python3-venv)")
endif()
set(py ${WORK}/venv/bin/python)
execute_process(COMMAND ${py} -m pip install --no-build-isolation --no-deps --no-index -q ${PKG}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pip install failed:\n${out}\n${err}")
endif()
execute_process(COMMAND ${py} -c
  "import cxkit, importlib.metadata as m, os, sys; assert m.version('cxkit') == cxkit.__version__, (m.version('cxkit'), cxkit.__version__); assert os.path.dirname(cxkit.__file__).startswith(sys.prefix), cxkit.__file__; assert os.path.exists(os.path.join(os.path.dirname(cxkit.__file__), 'py.typed')); from cxkit.clv.datasets import load_donations; assert len(load_donations()) == 22; print('installed cxkit', cxkit.__version__, 'in', cxkit.__file__)"
  WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "import from the venv failed:\n${err}")
endif()
file(REMOVE_RECURSE ${WORK})
