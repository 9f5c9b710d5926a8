package com.example.shop.web;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.math.BigDecimal;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

import com.example.shop.model.Category;
import com.example.shop.model.Product;
import com.example.shop.repository.CategoryRepository;
import com.example.shop.repository.ProductRepository;

@SpringBootTest
@AutoConfigureMockMvc
class ProductControllerTest {

    @Autowired
    private MockMvc mockMvc;

    @Autowired
    private ProductRepository productRepository;

    @Autowired
    private CategoryRepository categoryRepository;

    private Category kitchen;
    private Product mug;

    @BeforeEach
    void setUp() {
        productRepository.deleteAll();
        categoryRepository.deleteAll();
        kitchen = categoryRepository.save(new Category("Kitchen"));
        mug = productRepository.save(new Product("MUG-001", "Coffee mug", new BigDecimal("9.50"), kitchen));
    }

    @Test
    void createProduct_missingCategory_returns400() throws Exception {
        mockMvc.perform(post("/products")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"sku\":\"TEA-001\",\"name\":\"Teapot\",\"price\":24.00}"))
                .andExpect(jsonPath("$.error").value("categoryId is required"))
                .andExpect(status().isBadRequest());
    }

    @Test
    void createProduct_duplicateSku_returns409() throws Exception {
        mockMvc.perform(post("/products")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"sku\":\"MUG-001\",\"name\":\"Another mug\",\"price\":11.00,\"categoryId\":"
                                + kitchen.getId() + "}"))
                .andExpect(status().isConflict());
    }

    @Test
    @Disabled("price validation not implemented yet")
    void createProduct_negativePrice_returns400() throws Exception {
        mockMvc.perform(post("/products")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"sku\":\"BAD-001\",\"name\":\"Broken\",\"price\":-1,\"categoryId\":"
                                + kitchen.getId() + "}"))
                .andExpect(status().isBadRequest());
    }

    @Test
    void getProduct_returnsProductWithCategory() throws Exception {
        mockMvc.perform(get("/products/{id}", mug.getId()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.sku").value("MUG-001"))
                .andExpect(jsonPath("$.category").value("Kitchen"));
    }

    @Test
    void getProduct_unknownId_returns404() throws Exception {
        mockMvc.perform(get("/products/{id}", 9999L))
                .andExpect(status().isNotFound());
    }
}
