from desktop_client.app import main

main()
