"""EU CBAM: installation data to specific embedded emissions (SEE) per good.

Front half of the CBAM pipeline (DESIGN.md): read an installation (our workbook or the
Commission's communication template) into `model.Installation`, compute source streams,
attribute emissions to production processes, resolve precursors, and build the
communication document that reports and validation share.
"""
