require("reflect-metadata");
const { DataSource } = require("typeorm");
const { Customer, Category, Product } = require("./entities");

function createDataSource() {
  return new DataSource({
    type: "sqljs",
    synchronize: true,
    logging: false,
    entities: [Customer, Category, Product],
  });
}

module.exports = { createDataSource };
