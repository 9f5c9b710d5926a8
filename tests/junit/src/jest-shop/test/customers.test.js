const request = require("supertest");
const { createDataSource } = require("../src/data-source");
const { createApp } = require("../src/app");

let dataSource;
let app;

beforeAll(async () => {
  dataSource = createDataSource();
  await dataSource.initialize();
  app = createApp(dataSource);
});

afterAll(async () => {
  await dataSource.destroy();
});

describe("POST /customers", () => {
  it("creates a customer and returns 201", async () => {
    const res = await request(app)
      .post("/customers")
      .send({ email: "ada@example.com", fullName: "Ada Lovelace" });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: "ada@example.com", full_name: "Ada Lovelace" });
    expect(res.body.id).toBeDefined();
  });

  it("rejects a duplicate email with 409", async () => {
    await request(app)
      .post("/customers")
      .send({ email: "grace@example.com", fullName: "Grace Hopper" });

    const res = await request(app)
      .post("/customers")
      .send({ email: "grace@example.com", fullName: "Grace B. Hopper" });

    expect(res.body).toEqual({ error: "Email already registered" });
    expect(res.status).toBe(409);
  });

  it("rejects an invalid email with 400", async () => {
    const res = await request(app)
      .post("/customers")
      .send({ email: "not-an-email", fullName: "Alan Turing" });

    expect(res.status).toBe(400);
  });
});
