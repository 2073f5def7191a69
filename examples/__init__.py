"""Example implementations and sample inputs that ship with the project (not part of the library).

``examples.letsdata`` holds one working implementation per LetsData interface. They are loaded the
way a user's own classes are: by naming ``module:Class`` in ``LETSDATA_IMPL_<INTERFACE>`` or through
``letsdata_service.registry.register_implementation``. ``examples/data`` holds small sample files
that the local runtime seeds into its embedded S3 for ``make run``.
"""
