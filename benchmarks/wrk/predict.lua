-- POST of the seed contract's health-risk request with a bearer token.
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("ACCESS_TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"age":45,"bmi":29.5,"blood_pressure":135,"cholesterol":220}'
