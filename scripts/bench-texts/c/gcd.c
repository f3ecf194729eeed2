int gcd(int a){int b = 48;// Euclid, by repeated remainder
while(a!=0){int t = b-( b/a )*a;b = a;a = t;}return b;}int lcm(int a){int g = gcd(a, 36);return ( a*36 )/g;}