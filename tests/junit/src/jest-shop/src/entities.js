const { EntitySchema } = require("typeorm");

const Customer = new EntitySchema({
  name: "Customer",
  tableName: "customer",
  columns: {
    id: { type: "integer", primary: true, generated: true },
    email: { type: "varchar", unique: true },
    full_name: { type: "varchar" },
  },
});

const Category = new EntitySchema({
  name: "Category",
  tableName: "category",
  columns: {
    id: { type: "integer", primary: true, generated: true },
    name: { type: "varchar", unique: true },
  },
});

const Product = new EntitySchema({
  name: "Product",
  tableName: "product",
  columns: {
    id: { type: "integer", primary: true, generated: true },
    sku: { type: "varchar", unique: true },
    name: { type: "varchar" },
    price: { type: "real" },
    category_id: { type: "integer", nullable: false },
  },
  relations: {
    category: {
      type: "many-to-one",
      target: "Category",
      joinColumn: { name: "category_id" },
      nullable: false,
      onDelete: "RESTRICT",
    },
  },
});

module.exports = { Customer, Category, Product };
