/* Entry of the Python module cxkit.core (_core.so). Order matters: head, language, macros, API. */
%module(package="cxkit", docstring="Low-level SWIG layer of cxkit; import cxkit instead.") core
%include "cx_head.i"
%include "cx_python.i"
%include "cx_macros.i"
%include "cx_api.i"
