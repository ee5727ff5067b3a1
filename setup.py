"""The one compiled part: textrepair's inner loops (textrepair/lm/_kernel.c).

Everything else is declared in setup.cfg. The extension is optional: where it cannot be
built, their numpy and Python versions run, which give the same numbers.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "textrepair.lm._kernel",
            ["textrepair/lm/_kernel.c"],
            extra_compile_args=["-O2"],
            optional=True,
        )
    ]
)
