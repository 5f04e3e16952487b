-- GET with a bearer token (path given on the wrk command line).
wrk.headers["Authorization"] = "Bearer " .. os.getenv("ACCESS_TOKEN")
