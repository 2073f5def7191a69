"""Configuration classes at the module path stage code used up to SDLF 2.6 (restored; docs/sdlf-compatibility.md).

sdlf-stage-lambda, -glue, -ecsfargate, -emrserverless and -dataquality in 2.11.2 still import
``datalake_library.configuration.resource_configs``; the classes live there.
"""
