package com.example.shop.web;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.example.shop.model.Customer;
import com.example.shop.repository.CustomerRepository;

@RestController
@RequestMapping("/customers")
public class CustomerController {

    private final CustomerRepository customerRepository;

    public CustomerController(CustomerRepository customerRepository) {
        this.customerRepository = customerRepository;
    }

    public record CreateCustomerRequest(String email, String fullName) {
    }

    @PostMapping
    public Customer createCustomer(@RequestBody CreateCustomerRequest request) {
        Customer customer = new Customer(request.email(), request.fullName());
        return customerRepository.save(customer);
    }
}
