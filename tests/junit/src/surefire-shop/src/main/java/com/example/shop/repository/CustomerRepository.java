package com.example.shop.repository;

import org.springframework.data.jpa.repository.JpaRepository;

import com.example.shop.model.Customer;

public interface CustomerRepository extends JpaRepository<Customer, Long> {
}
