from yoi_welfare import create_app

app = create_app()
