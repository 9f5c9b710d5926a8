#!/usr/bin/env bash
# The bundled example: classify the recorded failures of the example shop app against its spec.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/forewarn
ir=examples/shop/ir.json
echo "== forewarn classify: one failure, mapped onto examples/shop/ir.json"
$bin classify --pretty --ir "$ir" --endpoint "POST /products" examples/errors/post_products_not_null.txt
echo
echo "== the other recorded failures (category, spec mapping, pattern_id)"
for f in post_customers_unique.txt:"POST /customers" post_orders_422.json:"POST /orders" \
         get_order_items_detached.txt:"GET /orders/7/items"; do
  file=${f%%:*} endpoint=${f#*:}
  $bin classify --ir "$ir" --endpoint "$endpoint" "examples/errors/$file" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const o=JSON.parse(s);
      console.log(`${process.argv[1].padEnd(22)} ${o.category.padEnd(26)} ${(o.ir.entity_name||"-")+"."+(o.ir.field_name||"-")}  ${o.pattern_id}`)})' "$endpoint"
done
