const request = require("supertest");
const { createDataSource } = require("../src/data-source");
const { createApp } = require("../src/app");
const { Category, Product } = require("../src/entities");

let dataSource;
let app;
let mug;

beforeAll(async () => {
  dataSource = createDataSource();
  await dataSource.initialize();
  app = createApp(dataSource);

  const kitchen = await dataSource.getRepository(Category).save({ name: "Kitchen" });
  mug = await dataSource
    .getRepository(Product)
    .save({ sku: "MUG-001", name: "Coffee mug", price: 9.5, category_id: kitchen.id });
});

afterAll(async () => {
  await dataSource.destroy();
});

describe("POST /products", () => {
  it("rejects a product without a category with 400", async () => {
    const res = await request(app)
      .post("/products")
      .send({ sku: "TEA-001", name: "Teapot", price: 24.0 });

    expect(res.body).toEqual({ error: "categoryId is required" });
    expect(res.status).toBe(400);
  });

  it("rejects a duplicate sku with 409", async () => {
    const res = await request(app)
      .post("/products")
      .send({ sku: "MUG-001", name: "Another mug", price: 11.0, categoryId: mug.category_id });

    expect(res.body).toEqual({ error: "SKU already exists" });
    expect(res.status).toBe(409);
  });

  it.skip("rejects a negative price with 400", async () => {
    const res = await request(app)
      .post("/products")
      .send({ sku: "BAD-001", name: "Broken", price: -1, categoryId: mug.category_id });

    expect(res.status).toBe(400);
  });
});

describe("GET /products/:id", () => {
  it("returns the product with its category", async () => {
    const res = await request(app).get(`/products/${mug.id}`);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: mug.id,
      sku: "MUG-001",
      name: "Coffee mug",
      price: 9.5,
      category: "Kitchen",
    });
  });

  it("returns 404 for an unknown product", async () => {
    const res = await request(app).get("/products/9999");

    expect(res.body).toEqual({ error: "Product not found" });
    expect(res.status).toBe(404);
  });
});
