int smezo_version(void){return 1;}
