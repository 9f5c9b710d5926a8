"""Smoke tests for the generated shop app, one or more per endpoint.

Each session gets a fresh SQLite file database in a pytest tmp dir. The default
TestClient re-raises server exceptions, so a 500 shows up here as the real
traceback rather than as a bare status code.
"""
import importlib
import os
import sys

import pytest
from fastapi.testclient import TestClient


@pytest.fixture(scope="session")
def client(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("shopdb") / "shop.db"
    os.environ["SHOP_DATABASE_URL"] = f"sqlite:///{db_path}"
    main = importlib.import_module("main")
    with TestClient(main.app) as c:
        yield c


def call(client, method, path, **kwargs):
    """One request; the request line goes to stdout, a 4xx/5xx answer to stderr."""
    print(f">>> {method} {path} {kwargs.get('json', '')}".rstrip())
    r = client.request(method, path, **kwargs)
    print(f"<<< {r.status_code} {method} {path}")
    if r.status_code >= 400:
        print(f"{method} {path} -> {r.status_code} {r.text}", file=sys.stderr)
    return r


@pytest.fixture
def category(client):
    r = call(client, "POST", "/categories", json={"name": "Books", "description": "Paper books"})
    assert r.status_code == 201, f"POST /categories returned {r.status_code}: {r.text}"
    return r.json()


@pytest.fixture
def product(client, category):
    r = call(
        client,
        "POST",
        "/products",
        json={
            "sku": "BK-0001",
            "name": "Notebook A5",
            "price": "4.50",
            "stock": 10,
            "category_id": category["id"],
        },
    )
    assert r.status_code == 201, f"POST /products returned {r.status_code}: {r.text}"
    return r.json()


@pytest.fixture
def customer(client):
    r = call(
        client,
        "POST",
        "/customers",
        json={"email": "buyer@example.com", "full_name": "Example Buyer"},
    )
    assert r.status_code == 201, f"POST /customers returned {r.status_code}: {r.text}"
    return r.json()


def test_get_categories(client):
    r = call(client, "GET", "/categories")
    assert r.status_code == 200, f"GET /categories returned {r.status_code}: {r.text}"
    assert r.json() == []


def test_post_categories(client):
    r = call(client, "POST", "/categories", json={"name": "Stationery"})
    assert r.status_code == 201, f"POST /categories returned {r.status_code}: {r.text}"
    assert r.json()["name"] == "Stationery"


def test_post_customers(client):
    r = call(
        client,
        "POST",
        "/customers",
        json={"email": "alice@example.com", "full_name": "Alice Example", "phone": "+1-555-0100"},
    )
    assert r.status_code == 201, f"POST /customers returned {r.status_code}: {r.text}"
    assert r.json()["email"] == "alice@example.com"


def test_post_customers_duplicate_email(client):
    payload = {"email": "bob@example.com", "full_name": "Bob Example"}
    first = call(client, "POST", "/customers", json=payload)
    assert first.status_code == 201, f"POST /customers returned {first.status_code}: {first.text}"
    r = call(client, "POST", "/customers", json=payload)
    assert r.status_code in (400, 409), f"POST /customers returned {r.status_code}: {r.text}"


def test_get_products_by_id(client, product):
    r = call(client, "GET", f"/products/{product['id']}")
    assert r.status_code == 200, f"GET /products/{product['id']} returned {r.status_code}: {r.text}"
    assert r.json()["sku"] == "BK-0001"


def test_post_products_without_category(client):
    r = call(
        client,
        "POST",
        "/products",
        json={"sku": "PN-0002", "name": "Fountain pen", "price": "12.00", "stock": 3},
    )
    assert r.status_code == 422, f"POST /products returned {r.status_code}: {r.text}"


def test_put_products_price(client, product):
    r = call(client, "PUT", f"/products/{product['id']}", json={"price": "5.25"})
    assert r.status_code == 200, f"PUT /products/{product['id']} returned {r.status_code}: {r.text}"
    assert r.json()["price"] == 5.25


def test_get_order_missing(client):
    r = call(client, "GET", "/orders/9999")
    assert r.status_code == 404, f"GET /orders/9999 returned {r.status_code}: {r.text}"


def test_post_orders_invalid_status(client, customer):
    r = call(
        client,
        "POST",
        "/orders",
        json={"customer_id": customer["id"], "status": "PENDING", "total": "0.00"},
    )
    assert r.status_code == 201, f"POST /orders returned {r.status_code}: {r.text}"


def test_post_order_items_unknown_product(client):
    c = call(client, "POST", "/customers", json={"email": "carol@example.com", "full_name": "Carol Example"})
    assert c.status_code == 201, f"POST /customers returned {c.status_code}: {c.text}"
    o = call(client, "POST", "/orders", json={"customer_id": c.json()["id"], "status": "pending"})
    assert o.status_code == 201, f"POST /orders returned {o.status_code}: {o.text}"
    order_id = o.json()["id"]
    r = call(
        client,
        "POST",
        f"/orders/{order_id}/items",
        json={"product_id": 424242, "quantity": 1, "unit_price": "4.50"},
    )
    assert r.status_code == 404, f"POST /orders/{order_id}/items returned {r.status_code}: {r.text}"


@pytest.mark.skip(reason="PATCH /orders/{id} is not covered by the smoke suite yet")
def test_patch_orders_status(client):
    r = call(client, "PATCH", "/orders/1", json={"status": "paid"})
    assert r.status_code == 200
