from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Optional

from pydantic import BaseModel, EmailStr, condecimal, conint, constr


class OrderStatus(str, Enum):
    pending = "pending"
    paid = "paid"
    shipped = "shipped"
    cancelled = "cancelled"


# --- Category ---------------------------------------------------------------

class CategoryBase(BaseModel):
    name: constr(max_length=80)
    description: Optional[str] = None


class CategoryCreate(CategoryBase):
    pass


class CategoryRead(CategoryBase):
    id: int

    class Config:
        orm_mode = True


# --- Customer ---------------------------------------------------------------

class CustomerBase(BaseModel):
    email: EmailStr
    full_name: constr(max_length=120)
    phone: Optional[constr(max_length=32)] = None


class CustomerCreate(CustomerBase):
    pass


class CustomerRead(CustomerBase):
    id: int

    class Config:
        orm_mode = True


# --- Product ----------------------------------------------------------------

class ProductBase(BaseModel):
    sku: constr(max_length=32)
    name: constr(max_length=120)
    price: condecimal(ge=0, max_digits=10, decimal_places=2)
    stock: conint(ge=0) = 0
    category_id: Optional[int] = None


class ProductCreate(ProductBase):
    pass


class ProductUpdate(BaseModel):
    sku: Optional[constr(max_length=32)] = None
    name: Optional[constr(max_length=120)] = None
    price: Optional[condecimal(ge=0, max_digits=10, decimal_places=2)] = None
    stock: Optional[conint(ge=0)] = None
    category_id: Optional[int] = None


class ProductRead(ProductBase):
    id: int

    class Config:
        orm_mode = True


# --- Order ------------------------------------------------------------------

class OrderCreate(BaseModel):
    customer_id: int
    status: OrderStatus = OrderStatus.pending
    total: condecimal(ge=0, max_digits=10, decimal_places=2) = Decimal("0.00")


class OrderUpdate(BaseModel):
    status: Optional[OrderStatus] = None
    total: Optional[condecimal(ge=0, max_digits=10, decimal_places=2)] = None


class OrderRead(BaseModel):
    id: int
    customer_id: int
    status: OrderStatus
    total: Decimal
    created_at: datetime

    class Config:
        orm_mode = True


# --- OrderItem --------------------------------------------------------------

class OrderItemCreate(BaseModel):
    product_id: int
    quantity: conint(ge=1)
    unit_price: condecimal(ge=0, max_digits=10, decimal_places=2)


class OrderItemRead(BaseModel):
    id: int
    order_id: int
    product_id: int
    quantity: int
    unit_price: Decimal

    class Config:
        orm_mode = True
