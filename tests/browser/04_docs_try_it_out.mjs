// (d) Swagger UI at /docs: "Try it out" on GET /products/{id} with id 1 shows a 200 and the
// product in the response body.
import {resetLab} from "./support.mjs";

export const name = "Swagger UI's Try it out on GET /products/{id}";
// The whole Swagger UI page is ~8000 px tall: the screenshot shows the response instead.
export const fullPage = false;

export async function run({page, base, api, expectText, assert}) {
  await resetLab(api);
  await page.goto(`${base}/docs`);
  const operation = page.locator("#operations-catalog-getProduct");
  await operation.waitFor({timeout: 20_000});
  await operation.locator(".opblock-summary").first().click();

  // tryItOutEnabled is on in swagger-initializer.js; a button still says "Try it out" if not.
  const tryIt = operation.getByRole("button", {name: "Try it out"});
  if (await tryIt.count()) await tryIt.click();
  const idInput = operation.locator('tr[data-param-name="id"] input');
  await idInput.waitFor();
  await idInput.fill("1");
  await operation.getByRole("button", {name: "Execute"}).click();

  // The server's answer, in the live response table (not the documented examples below it).
  await expectText(
      "#operations-catalog-getProduct .live-responses-table tr.response .response-col_status",
      /^\s*200\s*$/, {timeout: 15_000});
  const body = await operation.locator(".live-responses-table .response-col_description pre")
                   .first().textContent();
  let product = null;
  try {
    product = JSON.parse(body);
  } catch {
    // reported below
  }
  assert(product && product.id === 1 && typeof product.name === "string",
         `the response body shows ${body}`);
  // The screenshot: the parameter as filled in, Execute, and the live response below.
  await operation.locator(".parameters-container").first().evaluate(
      (node) => node.scrollIntoView({block: "start"}));
}
