"""Types of the API's input fields."""

from typing import Annotated

from pydantic import StringConstraints

# Text from a client: any character but NUL (U+0000), which PostgreSQL can neither store nor
# compare in a text column. The OpenAPI document says so (a pattern), so clients and the fuzzer
# know; a NUL is refused with 422 like any other invalid field. (Query strings and forms with a
# NUL are refused by wenku.middleware before any view.)
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, StringConstraints(pattern=NO_NUL)]
