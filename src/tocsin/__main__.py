from tocsin.cli import app

app(prog_name="tocsin")
