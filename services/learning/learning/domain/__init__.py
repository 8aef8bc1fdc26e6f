"""Continuous Learning rules without I/O: points, attribution, periods and icons, xAPI, proof files."""
