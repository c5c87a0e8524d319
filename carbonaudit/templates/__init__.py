"""Blank input workbooks a user fills in: the activity workbook and the user-factor workbook
(CBAM's installation and imports workbooks live with cbam/)."""
