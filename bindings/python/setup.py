"""setuptools shim: the extension _core.so is built by CMake (SWIG), so this only declares that the
distribution is binary (platform wheel tag) and carries the prebuilt module."""
from setuptools import setup
from setuptools.dist import Distribution


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return True


setup(distclass=BinaryDistribution)
