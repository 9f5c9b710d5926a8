"""Print the OpenAPI document FastAPI generates for the shop app.

    SHOP_DATABASE_URL=sqlite:///:memory: python3 make_openapi.py > ../openapi.json
"""
import json

from main import app

print(json.dumps(app.openapi(), indent=2))
