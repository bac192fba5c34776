"""The office's 台账 in Excel: written with openpyxl (export), read back (import), one module per job.

openpyxl, not xlsxwriter: the same library writes the workbook and reads back what staff typed into
it (xlsxwriter only writes), and it sets every print option the office needs (A4 landscape fitted to
the page width, header row repeated, frozen header, autofilter).
"""
