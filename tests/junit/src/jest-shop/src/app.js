const express = require("express");
const { Customer, Product } = require("./entities");

function createApp(dataSource) {
  const app = express();
  app.use(express.json());

  const customers = dataSource.getRepository(Customer);
  const products = dataSource.getRepository(Product);

  // POST /customers -> create a customer
  app.post("/customers", async (req, res) => {
    try {
      const { email, fullName } = req.body;
      const customer = customers.create({ email, full_name: fullName });
      const saved = await customers.save(customer);
      res.status(201).json(saved);
    } catch (err) {
      console.error("Error creating customer:", err);
      res.status(500).json({ error: err.message });
    }
  });

  // POST /products -> create a product
  app.post("/products", async (req, res) => {
    try {
      const { sku, name, price, categoryId } = req.body;
      const product = products.create({ sku, name, price, category_id: categoryId });
      const saved = await products.save(product);
      res.status(201).json(saved);
    } catch (err) {
      console.error("Error creating product:", err);
      res.status(500).json({ error: err.message });
    }
  });

  // GET /products/:id -> fetch a product with its category
  app.get("/products/:id", async (req, res) => {
    const product = await products.findOne({
      where: { id: Number(req.params.id) },
      relations: { category: true },
    });
    res.json({
      id: product.id,
      sku: product.sku,
      name: product.name,
      price: product.price,
      category: product.category.name,
    });
  });

  // eslint-disable-next-line no-unused-vars
  app.use((err, req, res, next) => {
    console.error("Unhandled error:", err);
    res.status(500).json({ error: err.message });
  });

  return app;
}

module.exports = { createApp };
