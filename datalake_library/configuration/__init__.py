"""Configuration classes at the module path stage code used up to SDLF 2.6 (restored, spec §14).

sdlf-stage-lambda, -glue, -ecsfargate, -emrserverless and -dataquality in 2.11.2 still import
``datalake_library.configuration.resource_configs``; the classes live there.
"""
