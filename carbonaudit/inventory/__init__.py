"""The GHG inventory pipeline: activity rows and their checks (activity), factor matching
(matching), per-gas kilograms and CO2e (engine), the report document (document) and the
accounting standards that group it (standards/)."""
