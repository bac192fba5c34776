from baosong.cli import main

main()
